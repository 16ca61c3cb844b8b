/**
 * A proxy's toxics, one ordered chain per direction, and the live links they
 * apply to. Every change is applied to the links of open connections before
 * the API answers, as in Toxiproxy.
 */
import { toxicAlreadyExists, toxicNotFound } from "./errors.ts";
import type { ToxicLink } from "./toxic-link.ts";
import type { Toxic, ToxicStream } from "./toxic-spec.ts";
import { parseToxicCreate, parseToxicUpdate } from "./toxic-validation.ts";

export class ToxicCollection {
  private readonly chains: Record<ToxicStream, Toxic[]> = { upstream: [], downstream: [] };
  private readonly links = new Set<ToxicLink>();

  /** The toxics a new link in `stream` starts with, in order. */
  chain(stream: ToxicStream): readonly Toxic[] {
    return [...this.chains[stream]];
  }

  /** Upstream toxics first, each direction in the order added (Toxiproxy's order). */
  list(): Toxic[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  get(name: string): Toxic {
    const toxic = this.list().find((candidate) => candidate.name === name);
    if (!toxic) throw toxicNotFound();
    return toxic;
  }

  /** Adds a toxic from a request body; 400 on bad input, 409 if the name is taken. */
  add(body: unknown): Toxic {
    const toxic = parseToxicCreate(body);
    if (this.list().some((candidate) => candidate.name === toxic.name)) throw toxicAlreadyExists();
    this.chains[toxic.stream].push(toxic);
    for (const link of this.linksOf(toxic.stream)) link.addToxic(toxic);
    return toxic;
  }

  async update(name: string, body: unknown): Promise<Toxic> {
    const existing = this.get(name);
    const updated = parseToxicUpdate(existing, body);
    const chain = this.chains[existing.stream];
    chain[chain.indexOf(existing)] = updated;
    await Promise.all(this.linksOf(updated.stream).map((link) => link.updateToxic(updated)));
    return updated;
  }

  async remove(name: string): Promise<void> {
    const existing = this.get(name);
    const chain = this.chains[existing.stream];
    chain.splice(chain.indexOf(existing), 1);
    await Promise.all(this.linksOf(existing.stream).map((link) => link.removeToxic(name)));
  }

  async reset(): Promise<void> {
    for (const toxic of this.list()) await this.remove(toxic.name);
  }

  attach(link: ToxicLink): void {
    this.links.add(link);
  }

  detach(link: ToxicLink): void {
    this.links.delete(link);
  }

  private linksOf(stream: ToxicStream): ToxicLink[] {
    return [...this.links].filter((link) => link.stream === stream);
  }
}
