// The layers of ../shared/design/ARCHITECTURE.md as a dependency rule, checked by `npm run deps` (part of
// `npm test`) and by test/architecture/dependencies.test.ts. Every import points down:
//
//   cli, bench                      src/cli, bench: may import anything below
//   agent                           src/agent: scheduler, engine worker, Agent
//   config                          src/config: composes the rooms' own configuration schemas
//   outputs        collectors       src/{metrics,evidence,reports,output,http} | collectors/, src/inputs (offline collectors)
//   contract                        src/contract: status and run-observer types the agent writes and outputs read
//   engine                          src/{evaluate,cel,mappings,model}: pure, no I/O beyond reading mapping files
//   floor                           src/{errors,log,paths}.ts, src/util: helpers anyone may use
//
//   sandbox (src/sandbox) stands apart: a fake cloud that knows wire formats only.
//   src/permissions/generate.ts is a tool of the commands (it reads the collectors' permission tables);
//   src/permissions/model.ts is the type those tables fill, below the collectors.
//
// Type-only imports count (tsPreCompilationDeps): a type is a dependency on a room too.
// Exceptions are named in the rule they relax, with the reason.

const ENGINE = '^src/(evaluate|cel|mappings|model)/';
const CONTRACT = '^src/contract/';
const OUTPUTS = '^src/(metrics|evidence|reports|output|http)/';
const COLLECTORS = '^(collectors/|src/inputs/)';
const AGENT = '^src/agent/';
const CONFIG = '^src/config/';
const CLI = '^src/cli/';
const SANDBOX = '^src/sandbox/';
const PERMISSIONS_TOOL = '^src/permissions/generate\\.ts$';
const FLOOR = '^src/(errors|log|paths)\\.ts$|^src/util/';
/** Cloud SDKs and their transports. */
const CLOUD_SDK = '^node_modules/(@aws-sdk|@azure|@google-cloud|@grpc|google-gax|google-auth-library)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module reaches itself through its imports (type-only imports included).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'engine-stays-pure',
      severity: 'error',
      comment: 'The engine (evaluation, CEL, mappings, model) is a pure function of its inputs: it knows no collector, output, agent, configuration, sandbox or command.',
      from: { path: ENGINE },
      to: { path: [COLLECTORS, OUTPUTS, CONTRACT, AGENT, CONFIG, SANDBOX, '^src/permissions/'] },
    },
    {
      name: 'engine-no-cloud-sdk',
      severity: 'error',
      comment: 'The engine never talks to a cloud.',
      from: { path: ENGINE },
      to: { path: CLOUD_SDK },
    },
    {
      name: 'contract-below-agent-and-outputs',
      severity: 'error',
      comment: 'The status / run-observer contract holds types only the engine defines: it may not reach up into who writes or reads it.',
      from: { path: CONTRACT },
      to: { path: [COLLECTORS, OUTPUTS, AGENT, CONFIG, SANDBOX, '^src/permissions/', CLOUD_SDK] },
    },
    {
      name: 'outputs-read-the-assessment',
      severity: 'error',
      comment: 'Outputs read the Assessment and the status contract (src/contract): never a collector, the agent, the composed configuration or the sandbox.',
      from: { path: OUTPUTS },
      to: { path: [COLLECTORS, AGENT, CONFIG, SANDBOX, '^src/permissions/'] },
    },
    {
      name: 'outputs-no-cloud-sdk',
      severity: 'error',
      comment:
        'Outputs never call a cloud API. Exception: the evidence S3 store (src/evidence/s3-store.ts) uses @aws-sdk/client-s3 as its own storage client for Object Lock evidence; it reads no cloud configuration (see the next rule).',
      from: { path: OUTPUTS, pathNot: '^src/evidence/s3-store\\.ts$' },
      to: { path: CLOUD_SDK },
    },
    {
      name: 'evidence-s3-store-only-s3',
      severity: 'error',
      comment: 'The exception above is for S3 storage only: the evidence S3 store may use @aws-sdk/client-s3 and nothing else of a cloud SDK.',
      from: { path: '^src/evidence/s3-store\\.ts$' },
      to: { path: CLOUD_SDK, pathNot: '^node_modules/@aws-sdk/client-s3/' },
    },
    {
      name: 'collectors-only-fetch',
      severity: 'error',
      comment: 'Collectors fetch and normalize into engine types: they know no output, agent, status contract or composed configuration.',
      from: { path: COLLECTORS },
      to: { path: [OUTPUTS, AGENT, CONTRACT, CONFIG, PERMISSIONS_TOOL] },
    },
    {
      name: 'collectors-reach-the-sandbox-in-one-place',
      severity: 'error',
      comment:
        "Only collectors/sandbox.ts and collectors/aws/sandbox-clients.ts (the SDK clients pointed at the embedded sandbox) know the sandbox: its credential convention and its listeners' shape.",
      from: { path: COLLECTORS, pathNot: '^collectors/(sandbox|aws/sandbox-clients)\\.ts$' },
      to: { path: SANDBOX },
    },
    {
      name: 'sandbox-knows-wire-formats-only',
      severity: 'error',
      comment: 'The sandbox is a fake cloud: it serves wire formats and imports nothing of kansa (no engine type, no collector, no output, not even the floor).',
      from: { path: SANDBOX },
      to: { path: '^(src|collectors|bench)/', pathNot: SANDBOX },
    },
    {
      name: 'agent-not-into-the-sandbox',
      severity: 'error',
      comment: 'The agent collects through the collectors; only they know how to reach the sandbox (collectors/sandbox.ts builds its clients).',
      from: { path: AGENT },
      to: { path: SANDBOX },
    },
    {
      name: 'config-composes-sections',
      severity: 'error',
      comment: "The configuration composes each room's own section schema (collectors/config.ts, src/<output>/config.ts) and reaches nothing else of theirs, nor the agent.",
      from: { path: CONFIG },
      to: { path: [COLLECTORS, OUTPUTS, AGENT, SANDBOX], pathNot: '(^|/)config\\.ts$' },
    },
    {
      name: 'floor-stays-floor',
      severity: 'error',
      comment: 'errors, log, paths and util are the floor every room stands on: they import only each other.',
      from: { path: FLOOR },
      to: { path: '^(src|collectors|bench)/', pathNot: FLOOR },
    },
    {
      name: 'commands-are-the-top',
      severity: 'error',
      comment: 'Nothing below the command line and the benchmarks imports them (the agent included: it is started by them).',
      from: { pathNot: '^(src/cli|bench|test)/' },
      to: { path: [CLI, '^bench/'] },
    },
    {
      name: 'resolvable',
      severity: 'error',
      comment: 'Every import resolves (a typo in a path would otherwise slip past the rules above).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
