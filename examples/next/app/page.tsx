import { connection } from 'next/server';
import { Chat } from '../components/chat';
import { loadModelChoices } from '../lib/models';
import { DEFAULT_MODEL, readServerConfig } from '../lib/server-config';

export default async function Page() {
  // The model list depends on the key and base URL of the running server, not of the build.
  await connection();
  const { models, error } = await loadModelChoices();
  const { usesEmulator } = readServerConfig();
  const initialModel = models.includes(DEFAULT_MODEL)
    ? DEFAULT_MODEL
    : (models[0] ?? DEFAULT_MODEL);
  return (
    <Chat
      models={models}
      initialModel={initialModel}
      modelsError={error}
      usesEmulator={usesEmulator}
    />
  );
}
