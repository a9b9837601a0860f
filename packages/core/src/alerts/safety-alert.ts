/**
 * @module safety-alert
 * Alerts that channels deliver, and their severities.
 */
import { randomUUID } from "node:crypto";
import type { JsonObject } from "../util/json.js";

/** How serious an alert is. */
export const AlertSeverity = {
  INFO: "INFO",
  WARNING: "WARNING",
  ERROR: "ERROR",
  CRITICAL: "CRITICAL",
} as const;

/** One of the {@link AlertSeverity} values. */
export type AlertSeverity = (typeof AlertSeverity)[keyof typeof AlertSeverity];

/** Every severity, least serious first. */
export const SEVERITIES: readonly AlertSeverity[] = ["INFO", "WARNING", "ERROR", "CRITICAL"];

/** Something a human should know about; delivered by notification channels. */
export interface SafetyAlert {
  id: string;
  title: string;
  description: string;
  severity: AlertSeverity;
  timestamp: Date;
  metadata: JsonObject;
  agentId?: string;
}

/** Input of {@link createAlert}: id and timestamp are filled in. */
export interface CreateAlertInput {
  title: string;
  description: string;
  severity?: AlertSeverity;
  metadata?: JsonObject;
  agentId?: string;
  /** @default a fresh `alert_<uuid>` */
  id?: string;
  /** @default now */
  timestamp?: Date;
}

/** Builds a {@link SafetyAlert}, filling `id`, `timestamp`, `metadata` and `severity` (INFO). */
export function createAlert(input: CreateAlertInput): SafetyAlert {
  const alert: SafetyAlert = {
    id: input.id ?? `alert_${randomUUID()}`,
    title: input.title,
    description: input.description,
    severity: input.severity ?? AlertSeverity.INFO,
    timestamp: input.timestamp ?? new Date(),
    metadata: input.metadata ?? {},
  };
  if (input.agentId !== undefined) alert.agentId = input.agentId;
  return alert;
}
