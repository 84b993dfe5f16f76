// The case page's process diagram: bpmn-js's NavigatedViewer (pan and zoom, no editing) with the
// case's completed, current and overdue steps marked. The element ids to mark come from the page
// (data-markers), worked out on the server from the audit log and the open tasks and timers.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer'

const MARKERS = { completed: 'step--completed', current: 'step--current', overdue: 'step--overdue' }

async function show (container) {
  const markers = JSON.parse(container.dataset.markers || '{}')
  const canvasElement = document.createElement('div')
  canvasElement.className = 'app-diagram__canvas'
  container.appendChild(canvasElement)
  const viewer = new NavigatedViewer({ container: canvasElement })
  const response = await fetch(container.dataset.diagramUrl, { credentials: 'same-origin' })
  if (!response.ok) throw new Error(`diagram: HTTP ${response.status}`)
  await viewer.importXML(await response.text())
  const canvas = viewer.get('canvas')
  const registry = viewer.get('elementRegistry')
  canvas.zoom('fit-viewport', 'auto')
  for (const [kind, className] of Object.entries(MARKERS)) {
    for (const id of markers[kind] || []) {
      if (registry.get(id)) canvas.addMarker(id, className)
    }
  }
  // The SVG is a picture of what the page says in words (current steps, timeline): keep it out of
  // the accessibility tree and the tab order. Dragging and the mouse wheel still pan and zoom.
  canvasElement.querySelectorAll('svg').forEach((svg) => {
    svg.setAttribute('aria-hidden', 'true')
    svg.setAttribute('tabindex', '-1')
  })
  container.dataset.state = 'ready'
}

const container = document.getElementById('case-diagram')
if (container) {
  show(container).catch((error) => {
    container.dataset.state = 'error'
    const message = document.createElement('p')
    message.className = 'govuk-body'
    message.textContent = 'The diagram could not be shown. The timeline below lists every step.'
    container.appendChild(message)
    console.error(error)
  })
}
