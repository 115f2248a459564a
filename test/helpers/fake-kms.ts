/**
 * A KMS endpoint on 127.0.0.1 that speaks KMS's wire protocol (AWS JSON 1.1, `X-Amz-Target:
 * TrentService.<Operation>`), so the real AWS SDK client, with its real retry strategy, timeouts
 * and error parsing, talks to it over HTTP. It holds one RSA key pair and answers `Decrypt`
 * (RSAES_OAEP_SHA_256) and `GetPublicKey`, or fails the way KMS fails: throttling, a 5xx, or a
 * connection that never answers.
 */
import { constants, createPrivateKey, createPublicKey, privateDecrypt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KMSClient } from '@aws-sdk/client-kms';
import { kmsClientConfig } from '../../lambda/crypto/kms-client.js';

/**
 * How the fake answers: normally, throttled (400 ThrottlingException), 503, never, or by
 * resetting every connection as it opens (KMS unreachable).
 */
export type FakeKmsMode = 'ok' | 'throttle' | 'unavailable' | 'hang' | 'reset';

export interface FakeKms {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** What the next requests get. */
  mode: FakeKmsMode;
  /** Requests received per operation (`Decrypt`, `GetPublicKey`), every attempt counted, and `connectionsReset`. */
  readonly calls: Record<string, number>;
  /** A real SDK client for this endpoint, with the production retry and timeout settings. */
  client(region: string): KMSClient;
  /** Closes every open connection (clients then connect anew). */
  dropConnections(): void;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-requestid': 'fake-kms',
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
  });
  res.end(text);
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(parts).toString('utf8') || '{}'));
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

/**
 * Starts a fake KMS holding `privateKeyPem` for key `keyArn`.
 */
export async function startFakeKms(keyArn: string, privateKeyPem: string): Promise<FakeKms> {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKeyDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const calls: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const state = { mode: 'ok' as FakeKmsMode };

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^TrentService\./, '');
    calls[operation] = (calls[operation] ?? 0) + 1;
    const input = await readJson(req);
    if (state.mode === 'hang') return;
    if (state.mode === 'throttle') {
      send(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException');
      return;
    }
    if (state.mode === 'unavailable') {
      send(res, 503, { __type: 'KMSInternalException', message: 'unavailable' }, 'KMSInternalException');
      return;
    }
    if (input.KeyId !== keyArn) {
      send(res, 400, { __type: 'NotFoundException', message: 'no such key' }, 'NotFoundException');
      return;
    }
    if (operation === 'GetPublicKey') {
      send(res, 200, {
        KeyId: keyArn,
        PublicKey: publicKeyDer.toString('base64'),
        KeyUsage: 'ENCRYPT_DECRYPT',
        KeySpec: 'RSA_2048',
        EncryptionAlgorithms: ['RSAES_OAEP_SHA_256'],
      });
      return;
    }
    if (operation === 'Decrypt') {
      try {
        const plaintext = privateDecrypt(
          { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
          Buffer.from(String(input.CiphertextBlob), 'base64'),
        );
        send(res, 200, {
          KeyId: keyArn,
          Plaintext: plaintext.toString('base64'),
          EncryptionAlgorithm: input.EncryptionAlgorithm,
        });
      } catch {
        send(res, 400, { __type: 'InvalidCiphertextException' }, 'InvalidCiphertextException');
      }
      return;
    }
    send(res, 400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
  };

  const server = createServer((req, res) => {
    answer(req, res).catch(() => res.destroy());
  });
  server.on('connection', (socket) => {
    if (state.mode === 'reset') {
      calls.connectionsReset = (calls.connectionsReset ?? 0) + 1;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    get mode() {
      return state.mode;
    },
    set mode(mode: FakeKmsMode) {
      state.mode = mode;
    },
    calls,
    client: (region) =>
      new KMSClient({
        ...kmsClientConfig(region),
        endpoint,
        credentials: { accessKeyId: 'AKIDFAKEKMS', secretAccessKey: 'fake-kms-secret' },
      }),
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
