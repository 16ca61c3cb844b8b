import { describe, expect, it } from "vitest";
import { IMAGE_ENV, isLocalOnly, LOCAL_IMAGES, OFFICIAL_IMAGES, resolveContainerImages } from "./images.ts";

describe("the containers environment's images", () => {
  it("are the official ones, each pinned to a tag, unless told otherwise", () => {
    expect(resolveContainerImages({})).toEqual(OFFICIAL_IMAGES);
    for (const image of Object.values(OFFICIAL_IMAGES)) expect(image).toMatch(/:[^:/]*\d[^:/]*$/);
  });

  it("are the locally built set with CHAOS_CONTAINER_IMAGES=local, which nothing can pull", () => {
    const images = resolveContainerImages({ [IMAGE_ENV.set]: "local" });
    expect(images).toEqual(LOCAL_IMAGES);
    expect(Object.values(images).every(isLocalOnly)).toBe(true);
  });

  it("can each be overridden by its own variable", () => {
    const images = resolveContainerImages({ [IMAGE_ENV.set]: "local", CHAOS_POSTGRES_IMAGE: "postgres:16.9-alpine", CHAOS_TOXIPROXY_IMAGE: "" });
    expect(images).toEqual({ ...LOCAL_IMAGES, postgres: "postgres:16.9-alpine" });
  });

  it("refuses a bad setting, naming its variable", () => {
    expect(() => resolveContainerImages({ [IMAGE_ENV.set]: "latest" })).toThrow(/^CHAOS_CONTAINER_IMAGES must be "official" or "local"/);
    expect(() => resolveContainerImages({ CHAOS_MINIO_IMAGE: "minio/minio latest" })).toThrow(/^CHAOS_MINIO_IMAGE must be an image reference/);
  });
});
