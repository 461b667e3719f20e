import { describe, expect, it } from 'vitest';
import { isOwnEnrichPolicy } from '../../../src/core/live/build-tag-pipeline.js';
import { templateFinalPipeline, withTemplateFinalPipeline } from '../../../src/core/live/template-final-pipeline.js';
import { deepFreeze } from '../hunt/hunt-fixtures.js';

/**
 * `GET _index_template/logs-template` on Elasticsearch 9.2 (its specification: IndexTemplate
 * gained created_date_millis and modified_date_millis in 9.2.0), which `PUT` refuses.
 */
const ES_92_TEMPLATE = {
  index_patterns: ['logs-*'],
  template: { settings: { index: { number_of_shards: '1', final_pipeline: 'logs-enrich' } }, mappings: { properties: { '@timestamp': { type: 'date' } } } },
  composed_of: ['logs-mappings'],
  priority: 200,
  version: 3,
  _meta: { owner: 'soc' },
  data_stream: { hidden: false, allow_custom_routing: false },
  allow_auto_create: true,
  created_date_millis: 1764547200000,
  modified_date_millis: 1764633600000,
};

describe('withTemplateFinalPipeline', () => {
  it('writes back only what PUT _index_template accepts, with the final pipeline set, and keeps the rest as it was', () => {
    const body = withTemplateFinalPipeline(deepFreeze(structuredClone(ES_92_TEMPLATE)), 'iochunt-tag-after-logs-enrich');
    expect(body).toEqual({
      index_patterns: ['logs-*'],
      template: { settings: { index: { number_of_shards: '1', final_pipeline: 'iochunt-tag-after-logs-enrich' } }, mappings: { properties: { '@timestamp': { type: 'date' } } } },
      composed_of: ['logs-mappings'],
      priority: 200,
      version: 3,
      _meta: { owner: 'soc' },
      data_stream: { hidden: false, allow_custom_routing: false },
      allow_auto_create: true,
    });
  });

  it('removes the final pipeline for null, in flat or nested form, and reads either', () => {
    const flat = { index_patterns: ['x-*'], template: { settings: { 'index.final_pipeline': 'old' } } };
    expect(templateFinalPipeline(flat)).toBe('old');
    expect(templateFinalPipeline(ES_92_TEMPLATE)).toBe('logs-enrich');
    expect(withTemplateFinalPipeline(flat, null)).toEqual({ index_patterns: ['x-*'], template: { settings: { index: {} } } });
    expect(templateFinalPipeline(withTemplateFinalPipeline(flat, null))).toBeUndefined();
  });
});

describe('isOwnEnrichPolicy', () => {
  it('knows its own policies by the naming scheme, never another prefix that starts the same way', () => {
    expect(['iochunt-ip-v3', 'iochunt-domain-v12', 'iochunt-url-v1', 'iochunt-hash-v1', 'iochunt-email-v2'].every((n) => isOwnEnrichPolicy('iochunt', n))).toBe(true);
    expect(isOwnEnrichPolicy('iochunt', 'iochunt-demo-ip-v3')).toBe(false);
    expect(isOwnEnrichPolicy('iochunt-demo', 'iochunt-demo-ip-v3')).toBe(true);
    expect(isOwnEnrichPolicy('iochunt', 'iochunt-ip-v3-old')).toBe(false);
    expect(isOwnEnrichPolicy('iochunt', 'iochunt-ip')).toBe(false);
    expect(isOwnEnrichPolicy('iochunt', 'other-ip-v3')).toBe(false);
  });
});
