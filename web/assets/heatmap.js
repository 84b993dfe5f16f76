// A route's diagram as a heatmap (/dashboard/routes/<key>): each step coloured by how many open
// cases are at it, with a badge of that count and the median time spent there. The figures come
// from the page as JSON (<script type="application/json" id="heatmap-data">) and are also in the
// table under the diagram, so the SVG is kept out of the accessibility tree.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer'

const LEVELS = 4

function level (cases, most) {
  return cases > 0 ? Math.max(1, Math.ceil((cases / most) * LEVELS)) : 0
}

function badge (step) {
  const element = document.createElement('div')
  element.className = 'app-heat-badge'
  const count = document.createElement('strong')
  count.textContent = `${step.cases} open`
  const time = document.createElement('span')
  time.textContent = step.visits ? `median ${step.median.toLowerCase()}` : ''
  element.append(count, time)
  return element
}

async function show (container, steps) {
  const canvasElement = document.createElement('div')
  canvasElement.className = 'app-diagram__canvas'
  container.appendChild(canvasElement)
  const viewer = new NavigatedViewer({ container: canvasElement })
  const response = await fetch(container.dataset.diagramUrl, { credentials: 'same-origin' })
  if (!response.ok) throw new Error(`diagram: HTTP ${response.status}`)
  await viewer.importXML(await response.text())
  const canvas = viewer.get('canvas')
  const registry = viewer.get('elementRegistry')
  const overlays = viewer.get('overlays')
  const most = Math.max(1, ...steps.map((step) => step.cases))
  for (const step of steps) {
    const element = registry.get(step.id)
    if (!element) continue // a step of an older version of the route
    const heat = level(step.cases, most)
    if (heat) canvas.addMarker(step.id, `heat--${heat}`)
    overlays.add(step.id, 'heat', { position: { bottom: 0, left: 0 }, html: badge(step) })
  }
  canvas.zoom('fit-viewport', 'auto')
  canvasElement.querySelectorAll('svg').forEach((svg) => {
    svg.setAttribute('aria-hidden', 'true')
    svg.setAttribute('tabindex', '-1')
  })
  container.dataset.state = 'ready'
}

const container = document.getElementById('route-heatmap')
const source = document.getElementById('heatmap-data')
if (container && source) {
  show(container, JSON.parse(source.textContent)).catch((error) => {
    container.dataset.state = 'error'
    const message = document.createElement('p')
    message.className = 'govuk-body'
    message.textContent = 'The diagram could not be shown. The table below gives the same figures.'
    container.appendChild(message)
    console.error(error)
  })
}
