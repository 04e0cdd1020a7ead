export { ensureBundled } from './bundle.js';
export { repoRoot, fixturesDir, fixturePath } from './paths.js';
export {
  inputEnvName,
  runBundledAction,
  type RunOptions,
  type RunResult,
  type Stage,
  type StageResult,
} from './run-action.js';
export {
  annotationsOf,
  parseFileCommand,
  parseWorkflowCommands,
  type AnnotationRecord,
  type WorkflowCommand,
} from './workflow-commands.js';
export {
  GitHubApiDouble,
  validEvent,
  eventViolations,
  sampleEvent,
  subjectDigest,
  type GitHubApiDoubleOptions,
  type RecordedGitHubRequest,
  type Violation,
} from './github/index.js';
