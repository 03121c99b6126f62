// The type every dashboards/murmuration/*.json must have (DashboardTypesTest): Grafana's `Dashboard`
// from @grafana/schema — the JSON model of a classic dashboard, the one Grafana provisions from files
// and exports (`schemaVersion`, `panels`, `templating`…) — with what that type leaves open declared
// here, exactly as our dashboards use it:
// - queries: the schema's `DataQuery` has only the fields common to every data source; ours are
//   InfluxQL, written as raw queries (the runner's DashboardQueries tests run `query` as it is);
// - variables: `query` is an InfluxQL string, and `definition` (what Grafana's variable list shows)
//   is missing from the schema's v1 `VariableModel` although Grafana writes it (v2 has it);
// - panels: `options` and `fieldConfig.defaults.custom` are left as `Record<string, unknown>`; each
//   panel type takes its plugin's own types, which @grafana/schema publishes too.
// A dashboard that uses another field or panel type fails the check until it is declared here.
import type {
  AnnotationQuery,
  Dashboard,
  DataQuery,
  FieldConfig,
  FieldConfigSource,
  Panel,
  RowPanel,
  VariableModel,
} from '@grafana/schema';
import type * as stat from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type * as table from '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen';
import type * as timeseries from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';

/** A panel's query: raw InfluxQL (Grafana's InfluxDB plugin calls its type InfluxQuery). */
interface InfluxQLQuery extends DataQuery {
  query: string;
  rawQuery: true;
  resultFormat: 'time_series' | 'table' | 'logs';
  alias?: string;
}

/** An annotation's query: raw InfluxQL, and the columns that hold an event's title, text and tags. */
interface InfluxQLAnnotation extends DataQuery {
  query: string;
  rawQuery: true;
  fromAnnotations: true;
  titleColumn?: string;
  textColumn?: string;
  tagsColumn?: string;
}

interface InfluxQLVariable extends Omit<VariableModel, 'query'> {
  query: string;
  definition?: string;
}

/** The panel types our dashboards use: the options and the custom field config of each plugin. */
interface PanelPlugins {
  stat: { options: stat.Options; custom: never };
  table: { options: table.Options; custom: table.FieldConfig };
  timeseries: { options: timeseries.Options; custom: timeseries.FieldConfig };
}

type PluginPanel = {
  [T in keyof PanelPlugins]: Omit<Panel, 'type' | 'options' | 'fieldConfig' | 'targets'> & {
    type: T;
    options?: PanelPlugins[T]['options'];
    fieldConfig?: Omit<FieldConfigSource, 'defaults'> & {
      defaults: Omit<FieldConfig, 'custom'> & { custom?: PanelPlugins[T]['custom'] };
    };
    targets?: InfluxQLQuery[];
  };
}[keyof PanelPlugins];

type Row = Omit<RowPanel, 'panels'> & { panels: PluginPanel[] };

/**
 * T as JSON spells it: the schema's string enums (`FieldColorModeId.PaletteClassic`) become the
 * union of their values (`'palette-classic' | …`); everything else stays as it is.
 */
type Json<T> = T extends string
  ? `${T}`
  : T extends readonly (infer E)[]
    ? Json<E>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

export type MurmurationDashboard = Json<
  Omit<Dashboard, 'panels' | 'annotations' | 'templating'> & {
    panels?: (PluginPanel | Row)[];
    annotations?: { list?: AnnotationQuery<InfluxQLAnnotation>[] };
    templating?: { list?: InfluxQLVariable[] };
  }
>;
