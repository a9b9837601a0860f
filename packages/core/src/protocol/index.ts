/**
 * @module protocol
 * PROTOCOL.md v1: schemas, constants and conversions shared by client and inbox.
 */
export * from "./constants.js";
export * from "./convert.js";
export * from "./quorum-schemas.js";
export * from "./schemas.js";
export * from "./wire-errors.js";
