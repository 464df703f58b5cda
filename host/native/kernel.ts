/**
 * Typed loader of the meter kernel addon (build/Release/meterKernel.node, built by
 * `npm install` from binding.gyp). The C kernel is boards/STM32F107/kernel; the
 * windows it returns have the shape modules/metering/kernelWindow.ts describes.
 */
import { loadAddon } from "./loadAddon.ts";
import type { KernelConfig, KernelWindow } from "../../modules/metering/kernelWindow.ts";

export type { KernelConfig, KernelWindow };

interface NativeKernel {
  feed(samples: Uint16Array | Uint32Array): number;
  takeWindows(): KernelWindow[];
  flush(): number;
  stateBytes(): number;
}

interface Addon {
  MeterKernel: new (config: KernelConfig) => NativeKernel;
  groups: number;
}

const load = (): Addon => loadAddon<Addon>("meterKernel", "meter kernel");

/** One running kernel: feed it samples in any block sizes, take finished windows. */
export class MeterKernel {
  private readonly native: NativeKernel;
  readonly config: KernelConfig;

  constructor(config: KernelConfig) {
    const Native = load().MeterKernel;
    this.native = new Native(config);
    this.config = config;
  }

  /**
   * Feeds interleaved {v, i} 12-bit codes (Uint16Array, even length) or packed DMA
   * words (Uint32Array: v in bits 0..11, i in bits 16..27). Returns the number of
   * windows waiting.
   */
  feed(samples: Uint16Array | Uint32Array): number {
    return this.native.feed(samples);
  }

  /**
   * End of data (mk_flush): accumulates the samples the kernel still holds back and
   * queues the open window with KERNEL_FLAG_PARTIAL (its complete cycles, sums and
   * Urms(1/2) values; no harmonic groups). Returns the windows waiting. Feed nothing after it.
   */
  flush(): number {
    return this.native.flush();
  }

  /** Finished windows since the last call, oldest first. */
  takeWindows(): KernelWindow[] {
    return this.native.takeWindows();
  }

  /** sizeof(mk_kernel_t) in this build (the addon uses 2048-point buffers). */
  stateBytes(): number {
    return this.native.stateBytes();
  }
}

export function createKernel(config: KernelConfig): MeterKernel {
  return new MeterKernel(config);
}

export function feed(kernel: MeterKernel, samples: Uint16Array | Uint32Array): number {
  return kernel.feed(samples);
}

export function takeWindows(kernel: MeterKernel): KernelWindow[] {
  return kernel.takeWindows();
}
