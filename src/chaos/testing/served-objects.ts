import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";

/** One object as the S3 API serves it. */
export interface ServedObject {
  key: string;
  etag: string;
  body: string;
}

/** Every object of `bucket` (up to 1,000) as the S3 API serves it: key, ETag and bytes, in listing order. */
export async function servedObjects(client: S3Client, bucket: string): Promise<ServedObject[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1_000 }));
  const objects = [];
  for (const entry of listed.Contents ?? []) {
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: entry.Key }));
    objects.push({ key: entry.Key!, etag: entry.ETag!, body: await object.Body!.transformToString() });
  }
  return objects;
}
