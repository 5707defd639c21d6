import { ChromaClient } from 'chromadb';

/** A client of the Chroma server at `url` (http or https; the port defaults as the scheme does). */
export function chromaClient(url: string): ChromaClient {
  const u = new URL(url);
  const ssl = u.protocol === 'https:';
  return new ChromaClient({ host: u.hostname, port: Number(u.port || (ssl ? 443 : 8000)), ssl });
}
