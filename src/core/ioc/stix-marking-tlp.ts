import { isJsonObject, jsonString, type JsonObject } from './json-values.js';
import { normalizeTlp } from './normalize-tlp.js';

/**
 * The TLP marking definitions fixed by STIX 2.1 (section 7.2.1.4, TLP 1.0) and by the
 * OASIS TLP 2.0 extension. Bundles reference them by id without including them, so a
 * reader that only resolved markings defined in the bundle would see these as unmarked.
 */
const STANDARD_TLP: Readonly<Record<string, string>> = {
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'WHITE',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
  'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487': 'CLEAR',
  'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb': 'GREEN',
  'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421': 'AMBER',
  'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003': 'AMBER+STRICT',
  'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1': 'RED',
};

/**
 * Builds the map marking-definition id -> TLP level for a bundle: the standard ids, plus
 * `marking-definition` objects of the bundle that carry a TLP in any of the shapes in use:
 * `definition_type: "tlp"` with `definition.tlp` (STIX 2.1), a TLP 2.0 extension with
 * `tlp_2_0`, or just a `name` such as `TLP:AMBER+STRICT`.
 */
export function stixMarkingTlp(objects: readonly unknown[]): Map<string, string> {
  const levels = new Map(Object.entries(STANDARD_TLP));
  for (const object of objects) {
    if (!isJsonObject(object) || object.type !== 'marking-definition') continue;
    const id = jsonString(object.id);
    const level = markingLevel(object);
    if (id !== undefined && level !== undefined) levels.set(id, level);
  }
  return levels;
}

function markingLevel(marking: JsonObject): string | undefined {
  const definition = isJsonObject(marking.definition) ? marking.definition : {};
  const fromDefinition = marking.definition_type === 'tlp' ? normalizeTlp(jsonString(definition.tlp)) : undefined;
  const extensions = isJsonObject(marking.extensions) ? Object.values(marking.extensions) : [];
  const fromExtension = extensions
    .map((extension) => (isJsonObject(extension) ? normalizeTlp(jsonString(extension.tlp_2_0)) : undefined))
    .find((level) => level !== undefined);
  const name = jsonString(marking.name);
  const fromName = name !== undefined && /^tlp:/i.test(name) ? normalizeTlp(name) : undefined;
  return fromDefinition ?? fromExtension ?? fromName;
}
