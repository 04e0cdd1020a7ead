'use strict';
// The formats the CycloneDX library's ajv setup installs: ajv-formats (full), ajv-formats-draft2019's
// idn-email, and iri-reference accepted as-is. The precompiled validators look formats up here.
const { fullFormats } = require('ajv-formats/dist/formats');
const idnEmail = require('ajv-formats-draft2019/formats/idn-email');

module.exports = { ...fullFormats, 'idn-email': idnEmail, 'iri-reference': true };
