// Build the front-end assets into web/static/dist/ (git-ignored): run by `make assets`.
//   dist/diagram.js          bpmn-js NavigatedViewer + the case markers, one esbuild bundle
//   dist/compare.js          two NavigatedViewers + bpmn-js-differ: the compare-versions page
//   dist/dashboard.js        Chart.js and the dashboard's charts
//   dist/heatmap.js          bpmn-js NavigatedViewer + a route's heatmap overlays
//   dist/init.js             starts GOV.UK Frontend (imports ./govuk/govuk-frontend.min.js)
//   dist/govuk/              GOV.UK Frontend's CSS, JS, fonts and images
//   dist/bpmn/               bpmn-js's CSS and its icon font
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const modules = join(root, 'node_modules')
const dist = join(root, 'web', 'static', 'dist')

await rm(dist, { recursive: true, force: true })
await mkdir(join(dist, 'govuk'), { recursive: true })
await mkdir(join(dist, 'bpmn'), { recursive: true })

await esbuild.build({
  entryPoints: ['diagram.js', 'dashboard.js', 'heatmap.js'].map((name) => join(here, name)),
  outdir: dist,
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: true,
  target: ['es2020'],
  legalComments: 'linked',
  logLevel: 'warning'
})
// The compare-versions page (web/process_versions).
await esbuild.build({
  entryPoints: [join(here, 'compare.js')],
  outfile: join(dist, 'compare.js'),
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: true,
  target: ['es2020'],
  legalComments: 'linked',
  logLevel: 'warning'
})
await cp(join(here, 'init.js'), join(dist, 'init.js'))

// GOV.UK Frontend: its precompiled CSS asks for /assets/...; point it at the copy beside it.
const govuk = join(modules, 'govuk-frontend', 'dist', 'govuk')
const css = await readFile(join(govuk, 'govuk-frontend.min.css'), 'utf8')
await writeFile(join(dist, 'govuk', 'govuk-frontend.min.css'), css.replaceAll('url(/assets/', 'url(assets/'))
for (const file of ['govuk-frontend.min.js', 'govuk-frontend.min.js.map']) {
  await cp(join(govuk, file), join(dist, 'govuk', file))
}
await cp(join(govuk, 'assets'), join(dist, 'govuk', 'assets'), { recursive: true })

const bpmnAssets = join(modules, 'bpmn-js', 'dist', 'assets')
for (const file of ['diagram-js.css', 'bpmn-js.css']) {
  await cp(join(bpmnAssets, file), join(dist, 'bpmn', file))
}
await cp(join(bpmnAssets, 'bpmn-font'), join(dist, 'bpmn', 'bpmn-font'), { recursive: true })

console.log(`assets built in ${dist}`)
