/**
 * @module protocol
 * PROTOCOL.md v1: schemas and conversions shared by client and inbox.
 */
export * from "./convert.js";
export * from "./schemas.js";
export * from "./wire-errors.js";
