import type * as Models from '@cyclonedx/cyclonedx-library/Models';
import * as Serialize from '@cyclonedx/cyclonedx-library/Serialize';
import type * as Spec from '@cyclonedx/cyclonedx-library/Spec';

/** The XML form; its own module so the bundle loads xmlbuilder2 only for `format: xml`. */
export function serializeXmlText(bom: Models.Bom, spec: typeof Spec.Spec1dot6): string {
  const serializer = new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(spec));
  return `${serializer.serialize(bom, { sortLists: false, space: 2 })}\n`;
}
