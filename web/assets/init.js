// Start GOV.UK Frontend's components (error summary focus, navigation toggle, details...).
import { initAll } from './govuk/govuk-frontend.min.js'

initAll()
