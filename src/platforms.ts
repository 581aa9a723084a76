// Registry of platform modules by name. Worker threads use collectorFactory to build the collector
// named in their options; the CLI uses finisher on the main thread.

import type { CollectorFactory, Finisher, PlatformName } from './platform.js';

export async function collectorFactory(name: PlatformName): Promise<CollectorFactory> {
  switch (name) {
    case 'vault':
      return (await import('./vault/collector.js')).createVaultCollector as CollectorFactory;
    case 'akeyless':
      return (await import('./akeyless/collector.js')).createAkeylessCollector as CollectorFactory;
  }
}

export async function finisher(name: PlatformName): Promise<Finisher> {
  switch (name) {
    case 'vault':
      return (await import('./vault/finish.js')).finishVault;
    case 'akeyless':
      return (await import('./akeyless/finish.js')).finishAkeyless;
  }
}
