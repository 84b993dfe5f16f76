// The case page's process diagram: bpmn-js's NavigatedViewer (pan and zoom, no editing) with the
// case's completed, current and overdue steps marked. The element ids to mark come from the page
// (data-markers), worked out on the server from the audit log and the open tasks and timers.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer'

const MARKERS = { completed: 'step--completed', current: 'step--current', overdue: 'step--overdue' }
const READABLE_ZOOM = 0.8

function button (text, onClick) {
  const element = document.createElement('button')
  element.type = 'button'
  element.className = 'govuk-button govuk-button--secondary app-button--small'
  element.textContent = text
  element.addEventListener('click', onClick)
  return element
}

function controls (showAll, showCurrent) {
  const group = document.createElement('div')
  group.className = 'govuk-button-group app-diagram-controls'
  group.append(button('Show the whole route', showAll))
  if (showCurrent) group.append(button('Show the current step', showCurrent))
  return group
}

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
  for (const [kind, className] of Object.entries(MARKERS)) {
    for (const id of markers[kind] || []) {
      if (registry.get(id)) canvas.addMarker(id, className)
    }
  }
  const focusId = [...(markers.overdue || []), ...(markers.current || [])].find((id) => registry.get(id))
  const showAll = () => canvas.zoom('fit-viewport', 'auto')
  const showCurrent = () => {
    // A long route fitted into the box is too small to read: show the current step at a readable size.
    const element = registry.get(focusId)
    canvas.zoom(READABLE_ZOOM)
    const box = canvas.viewbox()
    canvas.viewbox({ x: element.x + element.width / 2 - box.width / 2, y: element.y + element.height / 2 - box.height / 2,
      width: box.width, height: box.height })
  }
  if (showAll() < READABLE_ZOOM && focusId) showCurrent()
  container.after(controls(showAll, focusId ? showCurrent : null))
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
