/**
 * License names that are not SPDX expressions but name exactly one SPDX license: the
 * `Classifier: License ::` lines of Python packages (what pip-licenses reports) and the free
 * text often put in their `License:` field. Names that leave the version or variant open
 * ("BSD License", "GPL", "LGPL v3", "GPLv2") are deliberately absent: they stay unknown, for a
 * person to decide, rather than be guessed.
 */

const CLASSIFIERS: Record<string, string> = {
  'MIT License': 'MIT',
  'MIT No Attribution License (MIT-0)': 'MIT-0',
  // The trove classifier has no version; every Apache project on PyPI that uses it means 2.0.
  'Apache Software License': 'Apache-2.0',
  'ISC License (ISCL)': 'ISC',
  'Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'Mozilla Public License 1.1 (MPL 1.1)': 'MPL-1.1',
  'Python Software Foundation License': 'PSF-2.0',
  'The Unlicense (Unlicense)': 'Unlicense',
  'Boost Software License 1.0 (BSL-1.0)': 'BSL-1.0',
  'Eclipse Public License 2.0 (EPL-2.0)': 'EPL-2.0',
  'Eclipse Public License 1.0 (EPL-1.0)': 'EPL-1.0',
  'Zero-Clause BSD (0BSD)': '0BSD',
  'zlib/libpng License': 'Zlib',
  'Historical Permission Notice and Disclaimer (HPND)': 'HPND',
  'Universal Permissive License (UPL)': 'UPL-1.0',
  'European Union Public Licence 1.2 (EUPL 1.2)': 'EUPL-1.2',
  'CC0 1.0 Universal (CC0 1.0) Public Domain Dedication': 'CC0-1.0',
  'GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  'GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'GNU Lesser General Public License v2 or later (LGPLv2+)': 'LGPL-2.0-or-later',
  'GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'GNU Lesser General Public License v2 (LGPLv2)': 'LGPL-2.0-only',
  'GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'GNU Affero General Public License v3 or later (AGPLv3+)': 'AGPL-3.0-or-later',
  'GNU Affero General Public License v3': 'AGPL-3.0-only',
};

/** Free-text names, compared in lower case with runs of spaces collapsed. */
const NAMES: Record<string, string> = {
  'mit license': 'MIT',
  'the mit license': 'MIT',
  'mit licence': 'MIT',
  expat: 'MIT',
  'expat (mit/x11)': 'MIT',
  'apache 2.0': 'Apache-2.0',
  'apache 2': 'Apache-2.0',
  'apache-2': 'Apache-2.0',
  'apache license 2.0': 'Apache-2.0',
  'apache license, version 2.0': 'Apache-2.0',
  'apache license version 2.0': 'Apache-2.0',
  'apache software license 2.0': 'Apache-2.0',
  'asl 2': 'Apache-2.0',
  'asl 2.0': 'Apache-2.0',
  'bsd 3-clause license': 'BSD-3-Clause',
  'bsd 3-clause': 'BSD-3-Clause',
  'new bsd license': 'BSD-3-Clause',
  'modified bsd license': 'BSD-3-Clause',
  'bsd 2-clause license': 'BSD-2-Clause',
  'simplified bsd license': 'BSD-2-Clause',
  'isc license': 'ISC',
  'mozilla public license 2.0': 'MPL-2.0',
  'psf license': 'PSF-2.0',
  'python software foundation license': 'PSF-2.0',
};

/** The SPDX id a `License ::` classifier names (the part after "License :: [OSI Approved ::]"), if it names one. */
export function classifierLicense(classifier: string): string | undefined {
  const name = classifier
    .replace(/^License\s*::\s*/, '')
    .replace(/^OSI Approved\s*::\s*/, '')
    .trim();
  return Object.hasOwn(CLASSIFIERS, name) ? CLASSIFIERS[name] : undefined;
}

/** The SPDX id a free-text license name stands for, if it is one of the well-known spellings. */
export function namedLicense(text: string): string | undefined {
  const key = text.trim().toLowerCase().replace(/\s+/g, ' ');
  return Object.hasOwn(NAMES, key) ? NAMES[key] : undefined;
}
