// bpmnlint's recommended rules for the modeller, bundled by esbuild: bpmnlint-loader is a webpack
// loader, so the config object is built here, each rule imported, with a resolver that hands them out.
// The server's check (POST /processes/check) is what decides a deploy, so every rule here is a warning:
// generic advice, never an "error" the owner would think stops the deploy.

import adHocSubProcess from 'bpmnlint/rules/ad-hoc-sub-process'
import conditionalFlows from 'bpmnlint/rules/conditional-flows'
import endEventRequired from 'bpmnlint/rules/end-event-required'
import eventBasedGateway from 'bpmnlint/rules/event-based-gateway'
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event'
import fakeJoin from 'bpmnlint/rules/fake-join'
import global from 'bpmnlint/rules/global'
import labelRequired from 'bpmnlint/rules/label-required'
import linkEvent from 'bpmnlint/rules/link-event'
import noBpmndi from 'bpmnlint/rules/no-bpmndi'
import noComplexGateway from 'bpmnlint/rules/no-complex-gateway'
import noDisconnected from 'bpmnlint/rules/no-disconnected'
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows'
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork'
import noImplicitSplit from 'bpmnlint/rules/no-implicit-split'
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end'
import noImplicitStart from 'bpmnlint/rules/no-implicit-start'
import noInclusiveGateway from 'bpmnlint/rules/no-inclusive-gateway'
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements'
import singleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event'
import singleEventDefinition from 'bpmnlint/rules/single-event-definition'
import startEventRequired from 'bpmnlint/rules/start-event-required'
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event'
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway'
import superfluousLabel from 'bpmnlint/rules/superfluous-label'
import superfluousTermination from 'bpmnlint/rules/superfluous-termination'

const RULES = {
  'ad-hoc-sub-process': adHocSubProcess,
  'conditional-flows': conditionalFlows,
  'end-event-required': endEventRequired,
  'event-based-gateway': eventBasedGateway,
  'event-sub-process-typed-start-event': eventSubProcessTypedStartEvent,
  'fake-join': fakeJoin,
  'global': global,
  'label-required': labelRequired,
  'link-event': linkEvent,
  'no-bpmndi': noBpmndi,
  'no-complex-gateway': noComplexGateway,
  'no-disconnected': noDisconnected,
  'no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'no-gateway-join-fork': noGatewayJoinFork,
  'no-implicit-split': noImplicitSplit,
  'no-implicit-end': noImplicitEnd,
  'no-implicit-start': noImplicitStart,
  'no-inclusive-gateway': noInclusiveGateway,
  'no-overlapping-elements': noOverlappingElements,
  'single-blank-start-event': singleBlankStartEvent,
  'single-event-definition': singleEventDefinition,
  'start-event-required': startEventRequired,
  'sub-process-blank-start-event': subProcessBlankStartEvent,
  'superfluous-gateway': superfluousGateway,
  'superfluous-label': superfluousLabel,
  'superfluous-termination': superfluousTermination
}

const SEVERITY = {
  'ad-hoc-sub-process': 'warn',
  'conditional-flows': 'warn',
  'end-event-required': 'warn',
  'event-based-gateway': 'warn',
  'event-sub-process-typed-start-event': 'warn',
  'fake-join': 'warn',
  'global': 'warn',
  'label-required': 'warn',
  'link-event': 'warn',
  'no-bpmndi': 'warn',
  'no-complex-gateway': 'warn',
  'no-disconnected': 'warn',
  'no-duplicate-sequence-flows': 'warn',
  'no-gateway-join-fork': 'warn',
  'no-implicit-split': 'warn',
  'no-implicit-end': 'warn',
  'no-implicit-start': 'warn',
  'no-inclusive-gateway': 'warn',
  'no-overlapping-elements': 'warn',
  'single-blank-start-event': 'warn',
  'single-event-definition': 'warn',
  'start-event-required': 'warn',
  'sub-process-blank-start-event': 'warn',
  'superfluous-gateway': 'warn',
  'superfluous-label': 'warn',
  'superfluous-termination': 'warn'
}

export const lintConfig = {
  config: { rules: SEVERITY },
  resolver: {
    resolveRule (pkg, name) {
      const rule = pkg === 'bpmnlint' && RULES[name]
      if (!rule) throw new Error(`unknown lint rule <${pkg}/${name}>`)
      return rule
    },
    resolveConfig (pkg, name) {
      throw new Error(`unknown lint config <${pkg}/${name}>`)
    }
  }
}
