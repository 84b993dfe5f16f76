// The modeller's "Try it: dry run": the draft on the screen is walked on the server
// (POST /processes/dry-run, web/process_tools/checks.py) with the owner's start date and sample
// answers, and the steps come back in order with who acts and the day each is due, counted with the
// real calendar. Nothing is saved; the table is rebuilt from text nodes only.

// Sample answers as on the dry-run page (web/process_tools/dry_run_page.py parse_answers): a JSON
// object, or one `field_id: value` a line, yes/no and whole numbers read as such.
export function parseAnswers (text) {
  const trimmed = text.trim()
  if (!trimmed) return {}
  if (trimmed.startsWith('{')) {
    const answers = JSON.parse(trimmed) // a SyntaxError is shown to the owner
    if (answers === null || typeof answers !== 'object' || Array.isArray(answers)) {
      throw new Error('The sample answers must be one JSON object')
    }
    return answers
  }
  const answers = {}
  trimmed.split('\n').forEach((line, index) => {
    if (!line.trim()) return
    const colon = line.indexOf(':')
    const name = colon > 0 ? line.slice(0, colon).trim() : ''
    if (!name) throw new Error(`Line ${index + 1} of the sample answers has no field id: write it as field_id: value`)
    const value = line.slice(colon + 1).trim()
    const lowered = value.toLowerCase()
    answers[name] = ['yes', 'true'].includes(lowered) ? true
      : ['no', 'false'].includes(lowered) ? false
        : /^[0-9]+$/.test(value) ? Number(value) : value
  })
  return answers
}

function startOn () {
  const part = (name) => document.getElementById(`dry-run-start-${name}`).value.trim()
  const [day, month, year] = [part('day'), part('month'), part('year')]
  if (!/^[0-9]{1,2}$/.test(day) || !/^[0-9]{1,2}$/.test(month) || !/^[0-9]{4}$/.test(year)) {
    throw new Error('Enter the start date as a day, a month and a 4-digit year, for example 21 12 2026')
  }
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
}

function cell (row, text, header = false) {
  const element = document.createElement(header ? 'th' : 'td')
  element.className = header ? 'govuk-table__header' : 'govuk-table__cell'
  if (header) element.scope = 'row'
  element.textContent = text || ''
  row.append(element)
}

function longDate (iso) {
  if (!iso) return 'No due date'
  const [year, month, day] = iso.split('-').map(Number)
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('en-GB', {
    weekday: 'short', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC'
  })
}

function showSteps (box, result) {
  const table = document.createElement('table')
  table.className = 'govuk-table app-table--stack'
  table.id = 'dry-run-steps'
  table.innerHTML = '<caption class="govuk-table__caption govuk-table__caption--s">The steps in order</caption>' +
    '<thead class="govuk-table__head"><tr class="govuk-table__row">' +
    ['Step', 'Who acts', 'Due', 'Rule', 'Legal source'].map((h) => `<th scope="col" class="govuk-table__header">${h}</th>`).join('') +
    '</tr></thead><tbody class="govuk-table__body"></tbody>'
  const body = table.querySelector('tbody')
  for (const step of result.steps) {
    const row = document.createElement('tr')
    row.className = 'govuk-table__row'
    cell(row, step.name || step.bpmn_id, true)
    cell(row, step.role || (step.kind === 'timer' ? 'Waits (timer)' : ''))
    cell(row, longDate(step.due_on))
    cell(row, step.due_rule)
    cell(row, step.legal_source)
    body.append(row)
  }
  const summary = document.createElement('p')
  summary.className = 'govuk-body'
  summary.id = 'dry-run-summary'
  summary.textContent = `${result.steps.length} step${result.steps.length === 1 ? '' : 's'}; ` +
    (result.ended ? 'the route reaches its end.' : 'the walk stopped before the end (see below).')
  const parts = [summary, table]
  if (result.problems && result.problems.length) {
    const list = document.createElement('ul')
    list.className = 'govuk-list govuk-list--bullet'
    for (const problem of result.problems) {
      const item = document.createElement('li')
      item.textContent = `${problem.element_id}: ${problem.message}`
      list.append(item)
    }
    parts.push(list)
  }
  box.replaceChildren(...parts)
}

export function setUpDryRun (modeler, { url, key, csrfToken, postJson }) {
  const button = document.getElementById('dry-run-button')
  const box = document.getElementById('dry-run-result')
  if (!button || !box) return
  button.addEventListener('click', async () => {
    let body
    try {
      const { xml } = await modeler.saveXML({ format: true })
      body = { xml, key, start_on: startOn(), data: parseAnswers(document.getElementById('dry-run-answers').value) }
    } catch (error) {
      box.textContent = error.message
      return
    }
    box.textContent = 'Walking the route…'
    const answer = await postJson(url, body, csrfToken)
    const result = await answer.json().catch(() => ({}))
    if (!answer.ok) {
      box.textContent = result.message || 'The dry run could not run. Try again in a moment.'
      return
    }
    showSteps(box, result)
  })
}
