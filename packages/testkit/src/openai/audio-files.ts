/** The extensions the API lists in its "Invalid file format" error. */
export const AUDIO_EXTENSIONS: readonly string[] = [
  "flac",
  "m4a",
  "mp3",
  "mp4",
  "mpeg",
  "mpga",
  "oga",
  "ogg",
  "wav",
  "webm",
];

/** Video containers the API takes for their audio track. */
const VIDEO_TYPES: ReadonlySet<string> = new Set(["video/mp4", "video/mpeg", "video/webm"]);

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot >= 0 ? fileName.slice(dot + 1).toLowerCase() : "";
}

/**
 * Whether the upload looks like audio: a known extension, or an `audio/*` (or audio-carrying video)
 * content type. SDKs send `application/octet-stream` for a File without a type, so the name counts too.
 */
export function isAudioUpload(fileName: string, contentType: string): boolean {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return (
    AUDIO_EXTENSIONS.includes(extensionOf(fileName)) || type.startsWith("audio/") || VIDEO_TYPES.has(type)
  );
}

/** The API's message for a file it cannot read as audio. */
export const INVALID_FORMAT_MESSAGE = `Invalid file format. Supported formats: [${AUDIO_EXTENSIONS.map(
  (extension) => `'${extension}'`,
).join(", ")}]`;
