/**
 * The ready-made audit setups for other schedulers, validated against their schemas: the Kubernetes Jobs with
 * kubernetes-models (the Job's OpenAPI schema, as the API server validates it) and the GitHub Actions workflow with
 * @actions/workflow-parser (GitHub's own parser and workflow schema). Each is also shown to catch a broken copy.
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { Job } from 'kubernetes-models/batch/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './helpers.js';

const K8S = 'docs/ci/audit-k8s-indexed-job.yaml';
const GITHUB = 'docs/ci/audit-github-matrix.yml';

// The workflow parser imports its schema as JSON without the import attribute Node 20 requires; give it one.
register(
  `data:text/javascript,${encodeURIComponent(`export async function load(url, context, next) {
  if (url.endsWith('.json') && url.includes('/@actions/workflow-parser/')) context = { ...context, importAttributes: { ...context.importAttributes, type: 'json' } };
  return next(url, context);
}`)}`,
);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser');

/** The first YAML block of a README section: the README shows the files' text, which must not drift from them. */
function readmeYaml(heading: string): string {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf(`\n### ${heading}\n`));
  const block = /\n```yaml\n([\s\S]*?)```\n/.exec(section);
  if (!block) throw new Error(`no yaml block under ${heading}`);
  return block[1]!;
}

type Manifest = { kind: string; metadata: { name: string }; spec: Record<string, any> };
const manifests = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Manifest);

/** Every problem the Job schema finds, as `path: message` (none: []). */
function jobProblems(manifest: Manifest): string[] {
  try {
    new Job(manifest as any).validate();
    return [];
  } catch (err) {
    return ((err as { errors?: { instancePath: string; message: string }[] }).errors ?? [{ instancePath: '?', message: String(err) }]).map((e) => `${e.instancePath}: ${e.message}`);
  }
}

/** Every problem GitHub's parser finds in a workflow, with its line and column (none: []). */
async function workflowProblems(content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: 'audit.yml', content }, new NoOperationTraceWriter());
  // Converting checks what the schema cannot: that `needs` names a job of the workflow, matrices, expressions.
  if (parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => e.message);
}

describe('the Kubernetes Indexed Job (docs/ci/audit-k8s-indexed-job.yaml)', () => {
  const text = readFileSync(`${ROOT}${K8S}`, 'utf8');

  it('holds two Jobs that the batch/v1 Job schema accepts, shards of the same count as the merge reads', () => {
    const [shards, merge, ...rest] = manifests(text);
    expect(rest).toEqual([]);
    expect([shards!.kind, shards!.metadata.name, merge!.kind, merge!.metadata.name]).toEqual(['Job', 'manba-audit-shards', 'Job', 'manba-audit-merge']);
    expect(jobProblems(shards!)).toEqual([]);
    expect(jobProblems(merge!)).toEqual([]);
    expect(shards!.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4 });
    const script = shards!.spec.template.spec.containers[0].args[0] as string;
    expect(script).toContain('shard=$((JOB_COMPLETION_INDEX + 1))');
    expect(script).toContain('manba check archive/ --shard "$shard/4"');
    expect(merge!.spec.template.spec.containers[0].args[0]).toContain('manba merge shard-1.json shard-2.json shard-3.json shard-4.json ');
  });

  it('is what the README shows (the shards\' Job, word for word)', () => {
    const shown = readmeYaml('In Kubernetes: an Indexed Job');
    expect(shown.startsWith('apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: manba-audit-shards\n')).toBe(true);
    expect(text).toContain(shown);
  });

  it('a broken copy fails with the paths and messages of what is wrong', () => {
    const [shards] = manifests(text);
    const broken = structuredClone(shards!);
    broken.spec.completionMode = 'Indexd';
    delete broken.spec.template.spec.containers[0].name;
    broken.spec.template.spec.containers[0].resources.requests.cpu = { cores: 2 };
    expect(jobProblems(broken)).toEqual([
      '/spec/completionMode: must be equal to one of the allowed values',
      '/spec/template/spec/containers/0: must have required property name',
      '/spec/template/spec/containers/0/resources/requests/cpu: must be number',
      '/spec/template/spec/containers/0/resources/requests/cpu: must be string',
      '/spec/template/spec/containers/0/resources/requests/cpu: must match exactly one schema in "oneOf"',
    ]);
  });
});

describe('the GitHub Actions matrix of shards (docs/ci/audit-github-matrix.yml)', () => {
  const text = readFileSync(`${ROOT}${GITHUB}`, 'utf8');

  it('is a workflow GitHub accepts: no error from its parser', async () => {
    expect(await workflowProblems(text)).toEqual([]);
  });

  it('is what the README shows (its jobs, word for word)', () => {
    const shown = readmeYaml('In GitHub Actions: a matrix of shards');
    expect(shown.startsWith('jobs:\n  shard:\n')).toBe(true);
    expect(text).toContain(shown);
  });

  it('broken copies fail where they are broken: line, column and what is wrong', async () => {
    const broken = (from: string, to: string) => {
      expect(text).toContain(from);
      return workflowProblems(text.replace(from, to));
    };
    // A misspelt key in the shard job (line 16): the schema knows a job's keys, and that runs-on is required.
    expect(await broken('  shard:\n    runs-on: ubuntu-latest', '  shard:\n    run-on: ubuntu-latest')).toEqual([
      "audit.yml (Line: 16, Col: 5): Unexpected value 'run-on'",
      'audit.yml (Line: 16, Col: 5): Required property is missing: runs-on',
    ]);
    // The merge job waiting for a job that does not exist (line 41: "    needs: shards", the value at column 12).
    expect(await broken('needs: shard\n', 'needs: shards\n')).toEqual(["audit.yml (Line: 41, Col: 12): Job 'merge' depends on unknown job 'shards'."]);
    // An hour that does not exist in the schedule (line 11).
    expect(await broken("cron: '0 2 * * 1'", "cron: '0 25 * * 1'")).toEqual(["audit.yml (Line: 11, Col: 13): Invalid cron expression. Expected format: '* * * * *' (minute hour day month weekday)"]);
  });
});
