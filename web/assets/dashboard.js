// The dashboard's charts (Chart.js). The figures come from the page as JSON
// (<script type="application/json" id="dashboard-data">), the same figures its tables show: the CSP
// allows no inline script, and a screen reader reads the tables, so each canvas is a picture only.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip)

// GOV.UK Design System colours, distinguishable in order.
const COLOURS = ['#1d70b8', '#f47738', '#00703c', '#4c2c92', '#d4351c', '#28a197', '#912b88', '#505a5f']
const FONT = { family: 'GDS Transport, arial, sans-serif', size: 14 }

Chart.defaults.font = FONT
Chart.defaults.color = '#0b0c0c'
Chart.defaults.animation = false // nothing moves: figures to read, and prefers-reduced-motion for free
Chart.defaults.maintainAspectRatio = false

function series (items) {
  return items.map((item, index) => ({ ...item, backgroundColor: COLOURS[index % COLOURS.length] }))
}

const CHARTS = {
  outcomes: (data) => ({
    type: 'bar',
    data: { labels: data.outcomes.labels, datasets: series(data.outcomes.series) },
    options: {
      scales: { y: { min: 0, max: 100, ticks: { callback: (value) => `${value}%` } } },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${item.raw === null ? 'none fell due' : item.raw + '% met on time'}` } } }
    }
  }),
  'open-routes': (data) => ({
    type: 'bar',
    data: { labels: data.open_routes.labels, datasets: series([{ label: 'Open cases', data: data.open_routes.data }]) },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } }
  }),
  months: (data) => ({
    type: 'bar',
    data: {
      labels: data.months.labels,
      datasets: series([{ label: 'Opened', data: data.months.opened }, { label: 'Closed', data: data.months.closed }])
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  })
}

function draw () {
  const source = document.getElementById('dashboard-data')
  if (!source) return
  const data = JSON.parse(source.textContent)
  for (const box of document.querySelectorAll('[data-chart]')) {
    const make = CHARTS[box.dataset.chart]
    const canvas = box.querySelector('canvas')
    if (!make || !canvas) continue
    // eslint-disable-next-line no-new
    new Chart(canvas, make(data))
    box.dataset.state = 'ready'
  }
}

draw()
