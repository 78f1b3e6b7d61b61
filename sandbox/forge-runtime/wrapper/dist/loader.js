/*
 * LOCAL STAND-IN for the Forge Node runtime loader (packed as __forge__.cjs, the archive's entry;
 * the wrapper goes beside it as __forge_wrapper__.cjs). See wrapper.js for what the stand-in does.
 */
'use strict';

module.exports = require('./__forge_wrapper__.cjs');
