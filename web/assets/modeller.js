// The process owners' modeller (/processes/<key>/edit): bpmn-js's Modeler with the Camunda 7
// properties panel (what it writes, camunda:formData, candidateGroups, dueDate, properties, is
// what engine/parser.py reads), bpmnlint's generic advice on the canvas, the server's own check
// in a list beside it, token simulation, and an autosave of the draft to the server.
import Modeler from 'bpmn-js/lib/Modeler'
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule
} from 'bpmn-js-properties-panel'
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform'
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json'
import lintModule from 'bpmn-js-bpmnlint'
import TokenSimulationModule from 'bpmn-js-token-simulation/lib/modeler'
import { lintConfig } from './modeller-lint.js'
import { setUpDryRun } from './modeller-dry-run.js'

const AUTOSAVE_DELAY_MS = 1000
const CHECK_DELAY_MS = 2500
const MARKERS = { error: 'app-problem--error', warning: 'app-problem--warning' }
// Room on the left for the palette, which floats over the canvas, so a selected problem stays in view.
const SCROLL_PADDING = { top: 100, bottom: 100, left: 200, right: 100 }

function debounce (fn, ms) {
  let timer = null
  const debounced = (...args) => {
    clearTimeout(timer)
    timer = setTimeout(() => fn(...args), ms)
  }
  debounced.now = (...args) => { clearTimeout(timer); return fn(...args) }
  return debounced
}

function postJson (url, body, token) {
  return fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': token, Accept: 'application/json' },
    body: JSON.stringify(body)
  })
}

// Suggest role ids and the working-day functions in the properties panel's free-text fields, so
// they are chosen, not typed from memory. The panel re-renders its inputs, hence the observer.
const SUGGESTIONS = [
  ['candidateGroups', 'role-ids'],
  ['dueDate', 'date-functions'],
  ['followUpDate', 'date-functions'],
  ['timerEventDefinitionValue', 'date-functions']
]

function suggestIn (panel) {
  const apply = () => {
    for (const [field, list] of SUGGESTIONS) {
      for (const input of panel.querySelectorAll(`input[name="${field}"], input[id$="-${field}"]`)) {
        if (input.getAttribute('list') !== list) input.setAttribute('list', list)
      }
    }
  }
  new MutationObserver(apply).observe(panel, { childList: true, subtree: true })
  apply()
}

function elementLabel (registry, id) {
  const element = registry.get(id)
  const name = element && element.businessObject && element.businessObject.name
  return name ? `${name} (${id})` : id
}

function showProblems (modeler, list, problems) {
  const canvas = modeler.get('canvas')
  const registry = modeler.get('elementRegistry')
  const overlays = modeler.get('overlays')
  overlays.remove({ type: 'app-problem' })
  for (const element of registry.getAll()) {
    for (const marker of Object.values(MARKERS)) canvas.removeMarker(element, marker)
  }
  list.replaceChildren()
  if (!problems.length) {
    const ok = document.createElement('p')
    ok.className = 'govuk-body'
    ok.id = 'no-problems'
    ok.textContent = 'No problems found: the route can be deployed.'
    list.append(ok)
    return
  }
  const counts = { error: 0, warning: 0 }
  const ul = document.createElement('ul')
  ul.className = 'govuk-list app-problems'
  const ordered = [...problems].sort((a, b) => (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1))
  const flagged = new Set()
  for (const problem of ordered) {
    const severity = problem.severity === 'error' ? 'error' : 'warning'
    counts[severity] += 1
    const element = registry.get(problem.element_id)
    const li = document.createElement('li')
    li.className = `app-problem app-problem--${severity}`
    const tag = document.createElement('strong')
    tag.className = `govuk-tag ${severity === 'error' ? 'govuk-tag--red' : 'govuk-tag--yellow'}`
    tag.textContent = severity === 'error' ? 'Error' : 'Warning'
    li.append(tag, ' ')
    const where = element ? elementLabel(registry, problem.element_id) : problem.element_id
    // The server's messages name their element as the diagram shows it; say where only when they do not.
    const text = problem.message.includes(`'${where}'`) ? problem.message : `${where}: ${problem.message}`
    if (element) {
      const button = document.createElement('button')
      button.type = 'button'
      button.className = 'app-link-button app-problem__select'
      button.dataset.elementId = problem.element_id
      button.textContent = text
      button.addEventListener('click', () => {
        modeler.get('selection').select(element)
        canvas.scrollToElement(element, SCROLL_PADDING)
        document.getElementById('modeller-canvas').focus({ preventScroll: true })
      })
      li.append(button)
      // Each element is marked once, by its worst problem (errors come first); colour is not enough,
      // so a badge says in words which it is.
      if (element.type !== 'bpmn:Process' && element.type !== 'bpmn:Collaboration' && !flagged.has(problem.element_id)) {
        flagged.add(problem.element_id)
        canvas.addMarker(element, MARKERS[severity])
        const badge = document.createElement('span')
        badge.className = `app-problem-badge app-problem-badge--${severity}`
        badge.textContent = severity === 'error' ? 'Error' : 'Warning'
        overlays.add(element, 'app-problem', { position: { top: -12, right: 30 }, html: badge })
      }
    } else {
      li.append(text)
    }
    ul.append(li)
  }
  const summary = document.createElement('p')
  summary.className = 'govuk-body'
  summary.id = 'problem-count'
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`
  summary.textContent = `${plural(counts.error, 'error')} and ${plural(counts.warning, 'warning')}` +
    (counts.error ? ': fix the errors before you deploy.' : '.')
  list.append(summary, ul)
}

async function start (container) {
  const { key, xmlUrl, saveUrl, checkUrl, dryRunUrl, csrfToken } = container.dataset
  const status = document.getElementById('save-status')
  const problemList = document.getElementById('server-problems')
  const others = document.getElementById('other-editors')
  const modeler = new Modeler({
    container: document.getElementById('modeller-canvas'),
    propertiesPanel: { parent: document.getElementById('modeller-properties') },
    linting: { bpmnlint: lintConfig, active: true },
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule,
      lintModule,
      TokenSimulationModule
    ],
    moddleExtensions: { camunda: camundaModdle }
  })
  window.intervene = Object.assign(window.intervene || {}, { modeler })
  suggestIn(document.getElementById('modeller-properties'))

  const response = await fetch(xmlUrl, { credentials: 'same-origin' })
  if (!response.ok) throw new Error(`modeller: HTTP ${response.status}`)
  const { warnings } = await modeler.importXML(await response.text())
  if (warnings.length) console.warn('modeller: import warnings', warnings)
  modeler.get('canvas').zoom('fit-viewport', 'auto')

  const check = debounce(async () => {
    const { xml } = await modeler.saveXML({ format: true })
    const answer = await postJson(checkUrl, { xml, key }, csrfToken)
    if (!answer.ok) {
      problemList.textContent = 'The check could not run. Try again in a moment.'
      return
    }
    const { problems } = await answer.json()
    showProblems(modeler, problemList, problems || [])
    container.dataset.checked = String(Number(container.dataset.checked || 0) + 1)
  }, CHECK_DELAY_MS)

  const save = debounce(async () => {
    container.dataset.saving = 'true'
    try {
      const { xml } = await modeler.saveXML({ format: true })
      const answer = await postJson(saveUrl, { xml }, csrfToken)
      const body = await answer.json().catch(() => ({}))
      if (!answer.ok) {
        status.textContent = `Not saved: ${body.message || 'the server refused the draft'}`
        container.dataset.saved = 'false'
        return
      }
      status.textContent = `Saved at ${body.saved_at}`
      container.dataset.saved = 'true'
      showOthers(others, body.others || [])
    } catch (error) {
      status.textContent = 'Not saved: check your connection. Your changes are kept on this page.'
      container.dataset.saved = 'false'
    } finally {
      container.dataset.saving = 'false'
    }
  }, AUTOSAVE_DELAY_MS)

  modeler.on('commandStack.changed', () => {
    status.textContent = 'Not saved'
    container.dataset.saved = 'false'
    save()
    check()
  })
  document.getElementById('check-button').addEventListener('click', () => check.now())
  const simulate = document.getElementById('simulate-button')
  simulate.addEventListener('click', () => modeler.get('toggleMode').toggleMode())
  modeler.on('tokenSimulation.toggleMode', ({ active }) => simulate.setAttribute('aria-pressed', String(active)))
  setUpDryRun(modeler, { url: dryRunUrl, key, csrfToken, postJson })
  // Deploy what is on the screen: save first, so the draft the server deploys is this one.
  const deployForm = document.getElementById('deploy-form')
  deployForm.addEventListener('submit', async (event) => {
    if (container.dataset.saved !== 'false') return
    event.preventDefault()
    await save.now()
    if (container.dataset.saved === 'true') deployForm.submit()
  })
  await check.now()
  container.dataset.state = 'ready'
}

function showOthers (box, editors) {
  if (!editors.length) {
    box.replaceChildren()
    return
  }
  const names = editors.map((e) => e.name).join(', ')
  const times = editors.map((e) => e.saved_at).join(', ')
  const verb = editors.length === 1 ? 'is' : 'are'
  const warning = document.createElement('div')
  warning.className = 'govuk-warning-text'
  warning.innerHTML = '<span class="govuk-warning-text__icon" aria-hidden="true">!</span>' +
    '<strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span></strong>'
  warning.querySelector('strong').append(`${names} ${verb} also editing this process (draft saved at ${times}). ` +
    "Agree who deploys, or one of you will overwrite the other's changes.")
  box.replaceChildren(warning)
}

const container = document.getElementById('modeller')
if (container) {
  start(container).catch((error) => {
    container.dataset.state = 'failed'
    document.getElementById('save-status').textContent = `The modeller could not open the diagram: ${error.message}`
    console.error(error)
  })
}
