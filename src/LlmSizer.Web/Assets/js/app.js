// The page's entry point: reads the state from the address, loads the catalogs, then starts the three views.

import { cached } from './api.js';
import { load } from './state.js';
import { showError } from './errors.js';
import { setupExplain } from './explain.js';
import { setupTabs } from './tabs.js';
import { setupModelPicker } from './model-picker.js';
import { setupInference } from './tabs/inference.js';
import { setupTraining } from './tabs/training.js';
import { setupSampling } from './tabs/sampling.js';

async function main() {
  load();
  setupExplain();
  setupTabs();
  const [models, devices, storage] = await Promise.all([
    cached('/api/models'), cached('/api/devices'), cached('/api/devices', { storage: true }),
  ]);
  setupModelPicker(models.models);
  const views = [setupInference(storage.storage, devices.devices), setupTraining(devices.devices), setupSampling()];
  views.forEach((view) => view.start());
  document.body.classList.add('ready');
}

main().catch((error) => showError('start', error));
