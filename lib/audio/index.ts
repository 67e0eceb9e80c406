// Audio from wherever a request names it, as the workers fetch it: http(s) from public addresses,
// s3:// objects and data: URIs under size and time caps, the one data: URI and base64 decoder, and
// the address policy. Needs neither the addon nor a model (package subpath pronunciation-engine/audio).
export { fetchAudio, type FetchAudioOptions, type FetchedAudio } from './fetch.js';
export { decodeBase64Audio, decodeDataUri, isDataUri, type DataUriAudio } from './data-uri.js';
export { classifyAddress, type AddressClass, type AllowPrivate, type ResolvedAddress, type Resolver } from './address-policy.js';
export { parseS3Uri, s3ClientConfig, type S3Settings } from './fetch-s3.js';
export { audioTooLarge, DEFAULT_MAX_AUDIO_BYTES, FETCH_DEFAULTS } from './limits.js';
