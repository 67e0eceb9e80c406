// @ts-check
// The page's calls to its server (web/server.ts). Failures arrive as {"error": {code, message, details}}.

/** An error the server answered with: the contract's code, message and details. */
export class ApiError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {Record<string, any>} [details]
   */
  constructor(code, message, details) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** @param {Response} response */
async function answer(response) {
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError('INTERNAL', `The server answered ${response.status} without JSON`);
  }
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    throw new ApiError(String(error.code ?? 'INTERNAL'), String(error.message ?? `HTTP ${response.status}`), error.details);
  }
  return body;
}

/** @param {string} path */
export async function getJson(path) {
  return answer(await fetch(path, { headers: { accept: 'application/json' } }));
}

/**
 * @param {string} path
 * @param {unknown} body
 */
export async function postJson(path, body) {
  let response;
  try {
    response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  } catch (error) {
    throw new ApiError('INTERNAL', `The server did not answer (${error instanceof Error ? error.message : error}); is pronunciation-engine web still running?`);
  }
  return answer(response);
}

/**
 * A Blob's bytes as base64 (the API's audio_base64).
 * @param {Blob} blob
 * @returns {Promise<string>}
 */
export function blobToBase64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
