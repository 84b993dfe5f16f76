// The compare page: the two versions of a route drawn with bpmn-js's NavigatedViewer, with what
// bpmn-js-differ finds added, removed and changed marked, together with the elements the server's
// own comparison (engine/definition_diff.py) names, so a change the engine runs on (a due date in a
// camunda attribute, a form field) is marked even where the drawing looks the same.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer'
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json'
import { diff } from 'bpmn-js-differ'

const MARKERS = { added: 'diff-added', removed: 'diff-removed', changed: 'diff-changed' }
// Which kinds of change each side shows: what was removed only exists before, what was added only after.
const SHOWN = { before: ['removed', 'changed'], after: ['added', 'changed'] }

async function draw (container, xml) {
  const canvasElement = document.createElement('div')
  canvasElement.className = 'app-diagram__canvas'
  container.appendChild(canvasElement)
  const viewer = new NavigatedViewer({ container: canvasElement, moddleExtensions: { camunda: camundaModdle } })
  await viewer.importXML(xml)
  // The SVG is a picture of what the list of changes says in words: keep it out of the
  // accessibility tree and the tab order.
  canvasElement.querySelectorAll('svg').forEach((svg) => {
    svg.setAttribute('aria-hidden', 'true')
    svg.setAttribute('tabindex', '-1')
  })
  return viewer
}

function differencesOf (viewers) {
  // bpmn-js-differ stops on some files other tools write (a layout shape for an element the file
  // no longer has): the server's comparison still marks what the engine runs on.
  try {
    return diff(viewers[0].getDefinitions(), viewers[1].getDefinitions())
  } catch (error) {
    console.warn('bpmn-js-differ could not compare the two files; marking the server\'s changes only', error)
    return { _added: {}, _removed: {}, _changed: {} }
  }
}

function marksFrom (differences, server) {
  const marks = { added: new Set(server.added), removed: new Set(server.removed), changed: new Set(server.changed) }
  for (const id of Object.keys(differences._added)) marks.added.add(id)
  for (const id of Object.keys(differences._removed)) marks.removed.add(id)
  for (const id of Object.keys(differences._changed)) marks.changed.add(id)
  return marks
}

const READABLE_ZOOM = 0.8
const PADDING = 60

function button (text, onClick) {
  const element = document.createElement('button')
  element.type = 'button'
  element.className = 'govuk-button govuk-button--secondary app-button--small'
  element.textContent = text
  element.addEventListener('click', onClick)
  return element
}

// A shape's box, or the box round a connection's waypoints.
function bounds (element) {
  if (!element.waypoints) return element
  const xs = element.waypoints.map((point) => point.x)
  const ys = element.waypoints.map((point) => point.y)
  return { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs),
    height: Math.max(...ys) - Math.min(...ys) }
}

// A long route fitted into the box is too small to read: show the marked elements at a readable
// size instead, with buttons to switch between them and the whole route.
function frame (viewer, container, ids) {
  const canvas = viewer.get('canvas')
  const registry = viewer.get('elementRegistry')
  const boxes = ids.map((id) => registry.get(id)).filter(Boolean).map(bounds)
  const showAll = () => canvas.zoom('fit-viewport', 'auto')
  const showChanges = () => {
    const left = Math.min(...boxes.map((b) => b.x)) - PADDING
    const top = Math.min(...boxes.map((b) => b.y)) - PADDING
    const right = Math.max(...boxes.map((b) => b.x + b.width)) + PADDING
    const bottom = Math.max(...boxes.map((b) => b.y + b.height)) + PADDING
    canvas.viewbox({ x: left, y: top, width: right - left, height: bottom - top })
    if (canvas.zoom() > 1) canvas.zoom(1, { x: (left + right) / 2, y: (top + bottom) / 2 })
  }
  const group = document.createElement('div')
  group.className = 'govuk-button-group app-diagram-controls'
  group.append(button('Show the whole route', showAll))
  if (boxes.length) {
    group.append(button('Show the changes', showChanges))
    if (showAll() < READABLE_ZOOM) showChanges()
  }
  container.after(group)
}

function mark (viewer, container, marks) {
  const canvas = viewer.get('canvas')
  const registry = viewer.get('elementRegistry')
  const found = { added: [], removed: [], changed: [] }
  for (const kind of SHOWN[container.dataset.side]) {
    for (const id of marks[kind]) {
      if (!registry.get(id)) continue
      canvas.addMarker(id, MARKERS[kind])
      found[kind].push(id)
    }
  }
  // For tests and for anyone inspecting the page: which elements carry which mark.
  for (const [kind, ids] of Object.entries(found)) container.dataset[kind] = ids.join(' ')
  frame(viewer, container, Object.values(found).flat())
  container.dataset.state = 'ready'
}

async function compare () {
  const data = JSON.parse(document.getElementById('compare-data').textContent)
  const containers = ['before', 'after'].map((side) => document.getElementById(`compare-${side}`))
  const viewers = []
  for (const container of containers) viewers.push(await draw(container, data.diagrams[container.dataset.side]))
  const marks = marksFrom(differencesOf(viewers), data.marks)
  viewers.forEach((viewer, index) => mark(viewer, containers[index], marks))
}

if (document.getElementById('compare-data')) {
  compare().catch((error) => {
    for (const container of document.querySelectorAll('.app-compare-diagram')) {
      container.dataset.state = 'error'
      const message = document.createElement('p')
      message.className = 'govuk-body'
      // A file written by a tool that does not draw has no layout (BPMN DI) to show.
      message.textContent = /no diagram to display/.test(String(error && error.message))
        ? 'This version has no diagram layout to draw. The list below says every change.'
        : 'The diagrams could not be shown. The list below says every change.'
      container.appendChild(message)
    }
    console.error(error)
  })
}
