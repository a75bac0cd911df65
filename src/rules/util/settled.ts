/**
 * Whether a config value the extractor resolved is really the one tfjs will see. In
 * `{activation: 'sigmoid', ...opts}` with `opts` unknown, the spread may override the activation, so the
 * value is not settled and the rules treat it as unknown.
 */
import type { ConfigProp, LayerNode, ModelGraph } from '../../analysis/ir';
import { layerActivation, type ActivationInfo } from './model';

export function isSettled(source: string, layer: LayerNode, prop: ConfigProp | undefined): boolean {
  const config = layer.config;
  if (!prop || !config.opaque) return true;
  if (prop.inherited || !prop.span || !config.objectSpan) return false;
  return !source.slice(prop.span.end, config.objectSpan.end).includes('...');
}

/** The layer's activation, with its name null when a later unknown spread may override it. */
export function settledActivation(
  model: ModelGraph,
  layer: LayerNode,
  source: string,
): ActivationInfo {
  const activation = layerActivation(model, layer);
  if (activation.from === 'default' && activation.carrier.config.opaque) {
    return { ...activation, name: null };
  }
  if (activation.prop && !isSettled(source, activation.carrier, activation.prop)) {
    return { ...activation, name: null };
  }
  return activation;
}
