/**
 * What the transcription API accepts, checked before uploading so a wrong file costs nothing
 * and the model is told why at once.
 */

/** The API's limit for one audio file: 25 MB. */
export const MAX_TRANSCRIPTION_BYTES = 25 * 1024 * 1024;

/** The extensions the API lists as supported. */
export const TRANSCRIBABLE_EXTENSIONS: readonly string[] = [
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

/** The extension to name an upload with, by MIME type (the API looks at the name). */
const EXTENSION_BY_TYPE: Readonly<Record<string, string>> = {
  "audio/flac": "flac",
  "audio/x-flac": "flac",
  "audio/mp4": "m4a",
  "audio/x-m4a": "m4a",
  "audio/m4a": "m4a",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
  "audio/ogg": "ogg",
  "audio/opus": "ogg",
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/webm": "webm",
  "video/mp4": "mp4",
  "video/mpeg": "mpeg",
  "video/webm": "webm",
};

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
}

function baseType(mimeType: string): string {
  return mimeType.split(";")[0]?.trim().toLowerCase() ?? "";
}

/**
 * The file name to upload under: the original when its extension is one the API knows, else
 * the name with the extension of its MIME type (Telegram names voice notes `file_12`, or
 * `.oga`); null when neither says it is a supported format.
 */
export function transcribableUploadName(name: string, mimeType: string): string | null {
  const trimmed = name.trim() === "" ? "audio" : name.trim();
  if (TRANSCRIBABLE_EXTENSIONS.includes(extensionOf(trimmed))) return trimmed;
  const extension = EXTENSION_BY_TYPE[baseType(mimeType)];
  return extension === undefined ? null : `${trimmed}.${extension}`;
}
