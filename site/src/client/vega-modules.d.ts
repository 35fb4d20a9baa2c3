// Types of the Vega sub-packages the dashboard imports one by one (site/src/client/vega-runtime.ts). They ship
// no declarations of their own; the View type is vega-typings', as the 'vega' package's is.
declare module 'vega-dataflow' {
  export const transforms: Record<string, unknown>;
}
declare module 'vega-transforms/src/*' {
  const transform: unknown;
  export default transform;
}
declare module 'vega-encode' {
  const transform: unknown;

  export {
    transform as axisticks,
    transform as datajoin,
    transform as encode,
    transform as legendentries,
    transform as scale,
    transform as sortitems,
    transform as stack,
  };
}
declare module 'vega-view-transforms' {
  const transform: unknown;

  export {
    transform as bound,
    transform as identifier,
    transform as mark,
    transform as overlap,
    transform as render,
    transform as viewlayout,
  };
}
declare module 'vega-view' {
  export { View } from 'vega-typings';
}
