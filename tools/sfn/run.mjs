// run.mjs: executes a flowc state machine in aws-local-stepfunctions, with
// every AWS call served here, on this machine:
//
//   - a batch:submitJob.sync Task state runs the job's command as a process
//     (an argument array, no shell), as Batch would: the state's
//     ContainerOverrides.Command if it has one, else its job definition's
//     command with each Ref::NAME replaced by the job parameter NAME of the
//     state's Parameters. The command's first element, the runner's path
//     in the image, is replaced by --runner, and the datastore root
//     s3://... by --datastore, a local directory. The job gets its job
//     definition's environment, and each of its secrets in the variable
//     the definition names, its value looked up by valueFrom in the JSON
//     object of --secrets (a secret missing there fails the job, as Batch
//     fails a job whose secret it cannot read), and the state's
//     ContainerOverrides.Environment over them. A non-zero exit fails the
//     state with States.TaskFailed.
//   - an s3:getObject Task state reads the key below --s3-root from the
//     local datastore directory.
//   - a state machine TimeoutSeconds over 24.8 days is dropped (Node's
//     timers cannot wait that long).
//   - a Distributed Map (a Map with an ItemReader), which
//     aws-local-stepfunctions cannot run, runs as an inline Map over the
//     JSON array its ItemReader names: a state NAME.reader, added before
//     it, reads the object as an s3:getObject state does. Its iterations
//     run in this execution (no child executions, no ResultWriter), so
//     what this checks is the Map's items, ItemSelector and body.
//
// With --s3-endpoint URL instead of --datastore and --s3-root, the
// datastore is a real S3-compatible server (the tests start s3rver): a
// job's command keeps its s3:// root unchanged, and the job gets
// AWS_ENDPOINT_URL_S3=URL on top of this process's environment, where the
// credentials and region are expected (AWS_ACCESS_KEY_ID, ...); an
// s3:getObject state fetches the object from URL/BUCKET/KEY (path-style)
// and returns its text as Body, as the real integration does. The request
// is not signed: s3rver serves unsigned requests, a server that insists on
// a signature answers 403, which fails the state.
//
// A missing key fails a getObject state with S3.NoSuchKeyException, and a
// missing bucket with S3.NoSuchBucketException, in either mode.
//
// Usage: node run.mjs --definition FILE --runner PATH --execution NAME
//          (--datastore DIR --s3-root s3://BUCKET/PREFIX | --s3-endpoint URL)
//          [--input JSON] [--secrets JSON]
// FILE is a golden file of the step-functions target (the machine and its
// job definitions, each under a "# ---- NAME ----" line). Prints
// one JSON line: {"status", "error", "cause", "output", "tasks": [{"state", "command", "exit"}], "events": [...]}.
// Exit status: 0 when the execution succeeded, 2 when it failed, 1 on a
// usage error.
import './polyfill.mjs';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { StateMachine } from 'aws-local-stepfunctions';

const { values: opt } = parseArgs({
  options: {
    definition: { type: 'string' }, runner: { type: 'string' }, datastore: { type: 'string' },
    's3-root': { type: 'string' }, 's3-endpoint': { type: 'string' }, execution: { type: 'string' }, input: { type: 'string', default: '{}' }, secrets: { type: 'string', default: '{}' },
  },
});
const endpoint = opt['s3-endpoint']?.replace(/\/+$/, '');
for (const k of ['definition', 'runner', 'execution', ...(endpoint ? [] : ['datastore', 's3-root'])]) {
  if (!opt[k]) { console.error(`run.mjs: --${k} is required`); process.exit(1); }
}
if (endpoint && (opt.datastore || opt['s3-root'])) {
  console.error('run.mjs: --s3-endpoint serves the datastore from the server: no --datastore or --s3-root');
  process.exit(1);
}

// load reads an ASL file, or the sections of a golden file: the machine
// (.asl.json) and the job definitions (.batch.json), by name.
function load(file) {
  const text = readFileSync(file, 'utf8');
  if (!text.startsWith('# ---- ')) throw new Error(`${file}: want the target's files, each under a "# ---- NAME ----" line`);
  const parts = text.split(/^# ---- (.+) ----\n/m);
  let machine;
  const jobs = {};
  for (let i = 1; i < parts.length; i += 2) {
    if (parts[i].endsWith('.asl.json')) machine = JSON.parse(parts[i + 1]);
    if (parts[i].endsWith('.batch.json')) for (const jd of JSON.parse(parts[i + 1])) jobs[jd.jobDefinitionName] = jd;
  }
  if (!machine) throw new Error(`${file}: no .asl.json section`);
  return { machine, jobs };
}

// taskStates lists [name, state] of every Task state, in branches and Map
// bodies too.
function taskStates(machine, out = []) {
  for (const [name, st] of Object.entries(machine.States)) {
    if (st.Type === 'Task') out.push([name, st]);
    for (const b of st.Branches ?? []) taskStates(b, out);
    if (st.ItemProcessor) taskStates(st.ItemProcessor, out);
    if (st.Iterator) taskStates(st.Iterator, out);
  }
  return out;
}

const s3Root = (opt['s3-root'] ?? 's3://').replace(/\/+$/, '');
const [bucket, ...prefixParts] = s3Root.slice('s3://'.length).split('/');
const prefix = prefixParts.join('/');
const tasks = [];

function taskFailed(message, name = 'States.TaskFailed') {
  const e = new Error(message);
  e.name = name;
  return e;
}

// submitJob runs the job's command and resolves as Batch's .sync result.
function submitJob(state) {
  return (input) => new Promise((resolve, reject) => {
    const jd = jobs[input.JobDefinition];
    if (!jd) {
      reject(taskFailed(`${state}: no job definition ${input.JobDefinition}`, 'Batch.ClientException'));
      return;
    }
    let cmd = input.ContainerOverrides?.Command;
    if (cmd === undefined) {
      const missing = [];
      cmd = jd.containerProperties.command.map((a) => {
        if (!a.startsWith('Ref::')) return a;
        const v = input.Parameters?.[a.slice('Ref::'.length)];
        if (v === undefined) missing.push(a);
        return v;
      });
      if (missing.length) {
        reject(taskFailed(`${state}: job parameters ${missing.join(', ')} are not given`, 'Batch.ClientException'));
        return;
      }
    }
    if (!Array.isArray(cmd) || cmd.some((a) => typeof a !== 'string')) {
      reject(taskFailed(`${state}: the command is not an array of strings: ${JSON.stringify(cmd)}`, 'Batch.ClientException'));
      return;
    }
    const args = endpoint ? cmd.slice(1) : cmd.slice(1).map((a) => (a === s3Root ? opt.datastore : a));
    const env = { ...process.env };
    for (const kv of jd?.containerProperties?.environment ?? []) env[kv.name] = kv.value;
    for (const sec of jd?.containerProperties?.secrets ?? []) {
      if (!(sec.valueFrom in secrets)) {
        reject(taskFailed(`${state}: ResourceInitializationError: unable to retrieve secret ${sec.valueFrom}`));
        return;
      }
      env[sec.name] = secrets[sec.valueFrom];
    }
    // The state's ContainerOverrides.Environment, over the definition's.
    for (const kv of input.ContainerOverrides?.Environment ?? []) {
      if (typeof kv?.Name !== 'string' || typeof kv?.Value !== 'string') {
        reject(taskFailed(`${state}: an environment override is not {Name, Value} strings: ${JSON.stringify(kv)}`, 'Batch.ClientException'));
        return;
      }
      env[kv.Name] = kv.Value;
    }
    if (endpoint) env.AWS_ENDPOINT_URL_S3 = endpoint;
    execFile(opt.runner, args, { maxBuffer: 64 << 20, env }, (err, stdout, stderr) => {
      const exit = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      tasks.push({ state, command: cmd, exit });
      if (exit !== 0) {
        reject(taskFailed(`${cmd.slice(1, 3).join(' ')} exited ${exit}: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({ JobId: `local-${tasks.length}`, JobName: input.JobName, Status: 'SUCCEEDED' });
    });
  });
}

// getObject serves a key of the datastore bucket from the local directory,
// or from the server with --s3-endpoint.
async function getObject(input) {
  if (endpoint) return fetchObject(input);
  if (input.Bucket !== bucket) throw taskFailed(`getObject: bucket ${input.Bucket}, want ${bucket}`, 'S3.NoSuchBucketException');
  let key = input.Key;
  if (prefix) {
    if (!key.startsWith(prefix + '/')) throw taskFailed(`getObject: key ${key} is outside ${s3Root}`, 'S3.NoSuchKeyException');
    key = key.slice(prefix.length + 1);
  }
  try {
    return { Body: await readFile(path.join(opt.datastore, key), 'utf8'), ContentType: 'application/json' };
  } catch (e) {
    throw taskFailed(`getObject ${input.Key}: ${e.message}`, 'S3.NoSuchKeyException');
  }
}

// fetchObject gets an object from the S3-compatible server, path-style.
async function fetchObject(input) {
  const url = `${endpoint}/${encodeURIComponent(input.Bucket)}/${input.Key.split('/').map(encodeURIComponent).join('/')}`;
  let res;
  try {
    res = await fetch(url);
  } catch (e) {
    throw taskFailed(`getObject ${url}: ${e.message}`, 'S3.SdkClientException');
  }
  const text = await res.text();
  if (res.ok) return { Body: text, ContentType: res.headers.get('content-type') ?? undefined };
  // S3 names the error in the body: <Error><Code>NoSuchKey</Code>...
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP${res.status}`;
  const name = { NoSuchKey: 'S3.NoSuchKeyException', NoSuchBucket: 'S3.NoSuchBucketException' }[code] ?? 'S3.S3Exception';
  throw taskFailed(`getObject ${input.Key}: ${res.status} ${code}`, name);
}

// inlineDistributed rewrites every Distributed Map of states (and of the
// bodies below it) as a state that reads the items and an inline Map.
function inlineDistributed(m) {
  const renames = {};
  for (const [name, st] of Object.entries(m.States)) {
    for (const b of st.Branches ?? []) inlineDistributed(b);
    if (st.ItemProcessor) inlineDistributed(st.ItemProcessor);
    if (st.Type !== 'Map' || !st.ItemReader) continue;
    const reader = `${name}.reader`;
    m.States[reader] = {
      Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:s3:getObject', Parameters: st.ItemReader.Parameters,
      ResultSelector: { 'items.$': 'States.StringToJson($.Body)' }, ResultPath: '$.itemReader', Next: name,
    };
    delete st.ItemReader;
    delete st.ResultWriter;
    st.ItemsPath = '$.itemReader.items';
    st.ItemProcessor.ProcessorConfig = { Mode: 'INLINE' };
    renames[name] = reader;
  }
  const to = (n) => renames[n] ?? n;
  if (renames[m.StartAt]) m.StartAt = to(m.StartAt);
  for (const [name, st] of Object.entries(m.States)) {
    const isReader = Object.values(renames).includes(name);
    if (st.Next && !isReader) st.Next = to(st.Next);
    if (st.Default) st.Default = to(st.Default);
    for (const c of st.Choices ?? []) c.Next = to(c.Next);
    for (const c of st.Catch ?? []) c.Next = to(c.Next);
  }
}

const secrets = JSON.parse(opt.secrets);
const { machine, jobs } = load(opt.definition);
inlineDistributed(machine);
// aws-local-stepfunctions waits for TimeoutSeconds with a Node timer, which
// fires at once past 2^31-1 ms (24.8 days): a longer timeout (flowc's
// default is 30 days) is dropped here, as no test waits that long.
if (machine.TimeoutSeconds > 2147483) delete machine.TimeoutSeconds;
const handlers = {};
const intervals = {};
for (const [name, st] of taskStates(machine)) {
  if (st.Resource.endsWith(':states:::batch:submitJob.sync')) handlers[name] = submitJob(name);
  else if (st.Resource.endsWith(':states:::aws-sdk:s3:getObject')) handlers[name] = getObject;
  else { console.error(`run.mjs: state ${name}: no local handler for ${st.Resource}`); process.exit(1); }
  if (st.Retry) intervals[name] = st.Retry.map(() => 0);
}

const sm = new StateMachine(machine, { validationOptions: { checkPaths: true, checkArn: true } });
const exec = sm.run(JSON.parse(opt.input), {
  overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: intervals },
  context: { Execution: { Id: `arn:aws:states:local:000000000000:execution:flowc:${opt.execution}`, Name: opt.execution } },
});
const events = [];
(async () => {
  for await (const ev of exec.eventLogs) {
    events.push(ev.type + (ev.state?.name ? ':' + ev.state.name : '') + (ev.type === 'StateRetried' ? '#' + ev.retry?.retryAttempt : ''));
  }
})();
let status = 'SUCCEEDED', error, cause, output;
try {
  output = await exec.result;
} catch (e) {
  status = 'FAILED';
  error = e.name;
  cause = e.message;
}
await new Promise((r) => setTimeout(r, 10));
// Exit only once the report is written: stdout to a pipe is asynchronous,
// and process.exit would cut a long report short.
process.stdout.write(JSON.stringify({ status, error, cause, output, tasks, events }) + '\n', () => process.exit(status === 'SUCCEEDED' ? 0 : 2));
