import { parse as parseHcl } from "@cdktf/hcl2json";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { hasTool, needs, ROOT, run } from "./infra-tools.ts";

/** A parsed document, checked field by field (`any` keeps those checks short). */
type Json = Record<string, any>;

const DIR = join(ROOT, "infra/terraform");
const files = readdirSync(DIR)
  .filter((file) => file.endsWith(".tf"))
  .sort();
const sources = new Map(files.map((file) => [file, readFileSync(join(DIR, file), "utf8")]));

/** All .tf files merged: block type -> label(s) -> list of bodies. */
let config: Json;
let parsed: Map<string, Json>;

function resource(type: string, name: string): Json {
  const body = config.resource?.[type]?.[name]?.[0];
  if (!body) throw new Error(`no resource ${type}.${name}`);
  return body;
}

/** Source without comments, for reference scans. */
function code(text: string): string {
  return text.replace(/^\s*#.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
}

beforeAll(async () => {
  parsed = new Map();
  config = {};
  for (const [file, text] of sources) {
    const json = (await parseHcl(file, text)) as Json;
    parsed.set(file, json);
    for (const [blockType, blocks] of Object.entries(json)) {
      if (Array.isArray(blocks)) {
        (config[blockType] ??= []).push(...blocks);
        continue;
      }
      config[blockType] ??= {};
      for (const [label, value] of Object.entries(blocks as Json)) {
        if (blockType === "resource" || blockType === "data") {
          config[blockType][label] = { ...config[blockType][label], ...(value as Json) };
        } else {
          config[blockType][label] = value;
        }
      }
    }
  }
});

describe("infra/terraform (parsed with @cdktf/hcl2json)", () => {
  it("parses every file", () => {
    expect(files).toEqual(expect.arrayContaining(["versions.tf", "variables.tf", "outputs.tf", "vpc.tf", "eks.tf", "s3.tf", "postgresql.tf"]));
    expect(parsed.size).toBe(files.length);
  });

  it("pins Terraform and every provider", () => {
    const terraform = config.terraform.find((block: Json) => block.required_providers);
    expect(terraform.required_version).toMatch(/>=\s*1\.\d+/);
    const providers = terraform.required_providers[0] as Record<string, { source: string; version: string }>;
    expect(Object.keys(providers).sort()).toEqual(["aws", "helm", "kubernetes", "random", "tls"]);
    for (const [name, provider] of Object.entries(providers)) {
      expect(provider.source, name).toMatch(/^hashicorp\//);
      expect(provider.version, name).toMatch(/^(~>\s*\d+\.\d+|=?\s*\d+\.\d+\.\d+)$/);
    }
  });

  it("declares every variable it uses, with a description and a type, and uses every one it declares", () => {
    const declared = new Set(Object.keys(config.variable));
    const used = new Set([...sources.values()].flatMap((text) => [...code(text).matchAll(/\bvar\.([A-Za-z_][\w-]*)/g)].map((m) => m[1]!)));
    expect([...used].filter((name) => !declared.has(name))).toEqual([]);
    expect([...declared].filter((name) => !used.has(name))).toEqual([]);
    for (const [name, [body]] of Object.entries(config.variable as Record<string, Json[]>)) {
      expect(body!.description, name).toMatch(/\S{3,}/);
      expect(body!.type, name).toBeTruthy();
    }
  });

  it("refers only to locals, data sources and resources it defines", () => {
    const locals = new Set((config.locals as Json[]).flatMap((block) => Object.keys(block)));
    const text = [...sources.values()].map(code).join("\n");
    for (const [, name] of text.matchAll(/\blocal\.([A-Za-z_]\w*)/g)) expect(locals, `local.${name}`).toContain(name);
    for (const [, type, name] of text.matchAll(/\bdata\.([a-z][\w]*)\.([A-Za-z_][\w-]*)/g))
      expect(config.data?.[type!]?.[name!], `data.${type}.${name}`).toBeDefined();
    for (const [, type, name] of text.matchAll(/(?<![.\w])((?:aws|kubernetes|helm|random|tls)_[a-z0-9_]+)\.([A-Za-z_][\w-]*)\b/g)) {
      if (type === name) continue;
      expect(config.resource?.[type!]?.[name!], `${type}.${name}`).toBeDefined();
    }
  });

  it("validates the sizes people change", () => {
    for (const name of ["node_instance_type", "node_count", "availability_zone_count", "vpc_cidr", "kubernetes_version", "bucket_name", "pipeline_namespace"]) {
      expect(config.variable[name][0].validation?.length, name).toBeGreaterThan(0);
    }
  });

  it("spans public and private subnets over 3 availability zones by default", () => {
    expect(config.variable.availability_zone_count[0].default).toBe(3);
    for (const name of ["public", "private"]) {
      expect(resource("aws_subnet", name).count).toBe("${length(local.azs)}");
      expect(resource("aws_subnet", name).availability_zone).toBe("${local.azs[count.index]}");
    }
    expect(resource("aws_subnet", "public").tags["kubernetes.io/role/elb"]).toBe("1");
    expect(resource("aws_subnet", "private").tags["kubernetes.io/role/internal-elb"]).toBe("1");
  });

  it("runs the pipeline on a managed node group of var.node_count x var.node_instance_type, 3 x m4.large by default", () => {
    const group = resource("aws_eks_node_group", "pipeline");
    expect(group.instance_types).toEqual(["${var.node_instance_type}"]);
    expect(group.scaling_config[0].desired_size).toBe("${var.node_count}");
    expect(group.scaling_config[0].min_size).toBe("${var.node_count}");
    expect(group.subnet_ids).toBe("${aws_subnet.private[*].id}");
    expect(config.variable.node_instance_type[0].default).toBe("m4.large");
    expect(config.variable.node_count[0].default).toBe(3);
    expect(group.labels).toEqual({ "${(local.pool_label)}": "pipeline", "chaos-control.io/allow-chaos": "true" });
  });

  it("keeps monitoring on tainted nodes of its own", () => {
    const group = resource("aws_eks_node_group", "monitoring");
    expect(group.taint[0]).toEqual({ key: "${local.pool_label}", value: "monitoring", effect: "NO_SCHEDULE" });
    expect(group.labels).toEqual({ "${(local.pool_label)}": "monitoring" });
    expect(config.locals.find((block: Json) => block.pool_label).pool_label).toBe("scale.chaos-control/pool");
  });

  it("locks the MIDI bucket down: public access blocked, versioned, encrypted, TLS only", () => {
    const block = resource("aws_s3_bucket_public_access_block", "midi");
    for (const setting of ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"])
      expect(block[setting], setting).toBe(true);
    expect(block.bucket).toBe("${aws_s3_bucket.midi.id}");
    expect(resource("aws_s3_bucket_versioning", "midi").versioning_configuration[0].status).toBe("Enabled");
    expect(resource("aws_s3_bucket_server_side_encryption_configuration", "midi").rule[0].apply_server_side_encryption_by_default[0].sse_algorithm).toMatch(
      /^(AES256|aws:kms)$/,
    );
    expect(resource("aws_s3_bucket_ownership_controls", "midi").rule[0].object_ownership).toBe("BucketOwnerEnforced");
    const tls = config.data.aws_iam_policy_document.midi_tls_only[0].statement[0];
    expect(tls.effect).toBe("Deny");
    expect(tls.condition[0]).toMatchObject({ variable: "aws:SecureTransport", values: ["false"] });
  });

  it("lets only the extraction service account read the bucket (IRSA), and nothing more", () => {
    const trust = config.data.aws_iam_policy_document.pipeline_assume[0].statement[0];
    expect(trust.actions).toEqual(["sts:AssumeRoleWithWebIdentity"]);
    expect(trust.condition.find((c: Json) => c.variable.endsWith(":sub")).values).toEqual([
      "system:serviceaccount:${var.pipeline_namespace}:${var.pipeline_service_account}",
    ]);
    expect(trust.condition.find((c: Json) => c.variable.endsWith(":aud")).values).toEqual(["sts.amazonaws.com"]);
    const statements = config.data.aws_iam_policy_document.pipeline_s3_read[0].statement as Json[];
    expect(statements.flatMap((s) => s.actions).sort()).toEqual(["s3:GetObject", "s3:ListBucket"]);
    for (const statement of statements) for (const arn of statement.resources) expect(arn).toMatch(/^\$\{aws_s3_bucket\.midi\.arn\}/);
    expect(config.variable.pipeline_service_account[0].default).toBe("scale-extract");
    expect(config.variable.pipeline_namespace[0].default).toBe("scale-staging");
    expect(resource("aws_iam_role", "pipeline").name).toBe("${var.name}-pipeline-s3-read");
  });

  it("installs PostgreSQL in the cluster from the shared values: a primary and two read replicas", () => {
    const release = resource("helm_release", "postgresql");
    expect(release.chart).toBe("postgresql");
    expect(release.repository).toBe("oci://registry-1.docker.io/bitnamicharts");
    expect(release.version).toBe("${var.postgresql_chart_version}");
    expect(release.namespace).toBe("${kubernetes_namespace_v1.pipeline.metadata[0].name}");
    expect(release.values).toEqual([
      '${file("${path.module}/../helm/postgresql/values.yaml")}',
      '${file("${path.module}/../helm/postgresql/values-staging.yaml")}',
    ]);
    const values = parseYaml(readFileSync(join(ROOT, "infra/helm/postgresql/values.yaml"), "utf8")) as Json;
    expect(values.architecture).toBe("replication");
    expect(values.readReplicas.replicaCount).toBe(2);
    const installScript = readFileSync(join(ROOT, "infra/helm/install.sh"), "utf8");
    expect(installScript).toContain(`POSTGRESQL_VERSION="${config.variable.postgresql_chart_version[0].default}"`);
  });

  it("puts the pipeline in the chaos blast radius and monitoring outside it", () => {
    const pipeline = resource("kubernetes_namespace_v1", "pipeline").metadata[0];
    expect(pipeline.name).toBe("${var.pipeline_namespace}");
    expect(pipeline.annotations["chaos-mesh.org/inject"]).toBe("enabled");
    expect(pipeline.labels["chaos-control.io/allow-chaos"]).toBe("true");
    const monitoring = resource("kubernetes_namespace_v1", "monitoring").metadata[0];
    expect(monitoring.name).toBe("monitoring");
    expect(monitoring.annotations).toBeUndefined();
    expect(monitoring.labels["chaos-control.io/allow-chaos"]).toBeUndefined();
    const secret = resource("kubernetes_secret_v1", "pipeline");
    expect(secret.metadata[0].name).toBe("scale-pipeline");
    expect(Object.keys(secret.data)).toEqual(["DATABASE_URL"]);
  });

  it("outputs what the next steps need", () => {
    const outputs = config.output as Record<string, Json[]>;
    for (const name of [
      "cluster_name",
      "cluster_endpoint",
      "kubeconfig_command",
      "bucket_name",
      "pipeline_role_arn",
      "ecr_repository_url",
      "pipeline_namespace",
      "database_secret_name",
      "vpc_id",
      "region",
    ]) {
      expect(outputs[name]?.[0]?.description, name).toBeTruthy();
    }
    expect(outputs.kubeconfig_command![0]!.value).toContain("aws eks update-kubeconfig");
    for (const [name, [body]] of Object.entries(outputs)) {
      if (/password|secret_value|database_url/i.test(JSON.stringify(body!.value))) expect(body!.sensitive, name).toBe(true);
    }
  });

  it("holds no credentials", () => {
    for (const [file, text] of sources) {
      expect(text, file).not.toMatch(/AKIA[0-9A-Z]{16}/);
      expect(text, file).not.toMatch(/(secret_key|access_key|password)\s*=\s*"[^"$]/i);
    }
  });

  it(`is formatted (terraform fmt -check)${needs("terraform")}`, { skip: !hasTool("terraform") }, () => {
    const result = run("terraform", ["fmt", "-check", "-recursive", "-no-color", "infra/terraform"]);
    expect(result.status, `not formatted: ${result.stdout}`).toBe(0);
  });
});
