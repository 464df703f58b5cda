/**
 * Writes meternet.dbc from the message table (messages.ts), so the DBC can never
 * disagree with the codec. Host-side only (never bundled); dbc.test.ts fails when the
 * committed file is out of date and rewrites it with MN_WRITE_DBC=1.
 */
import { MESSAGES, MessageDef, payloadSignals, PAYLOAD_BYTES } from "./messages";
import { SignalDef, rawRange } from "./signalCodec";
import { SignalDoc, signalDoc, messageDoc } from "./messageDocs";
import { canId, METERS_PER_BUS } from "./idPlan";
import { otaDbcParts } from "./otaDbc";

function num(x: number): string {
  return String(Math.round(x * 1e9) / 1e9);
}

function nodeName(address: number): string {
  return "METER_" + (address < 10 ? "0" : "") + address;
}

function messageName(m: MessageDef, address: number): string {
  return m.name + "_M" + (address < 10 ? "0" : "") + address;
}

function signalLine(s: SignalDef, doc: SignalDoc, receiver: string): string {
  const r = rawRange(s);
  const lo = r.min * s.factor + s.offset;
  const hi = r.max * s.factor + s.offset;
  return " SG_ " + s.name + " : " + s.startBit + "|" + s.length + "@" + (s.littleEndian ? "1" : "0") + (s.signed ? "-" : "+") +
    " (" + num(s.factor) + "," + num(s.offset) + ") [" + num(lo) + "|" + num(hi) + '] "' + doc.unit + '" ' + receiver;
}

function signalComment(doc: SignalDoc): string {
  return (doc.obis !== undefined ? "OBIS " + doc.obis + ": " : "") + doc.comment;
}

export function generateDbc(): string {
  const lines: string[] = [];
  const nodes: string[] = ["AGGREGATOR"];
  for (let a = 0; a < METERS_PER_BUS; a++) nodes.push(nodeName(a));
  lines.push('VERSION "meternet 1"', "", "NS_ :", "", "BS_:", "", "BU_: " + nodes.join(" "), "");
  const comments: string[] = [];
  const values: string[] = [];
  for (let a = 0; a < METERS_PER_BUS; a++) {
    for (let k = 0; k < MESSAGES.length; k++) {
      const m = MESSAGES[k];
      const id = canId(m.fn, a);
      const sender = m.sender === "meter" ? nodeName(a) : "AGGREGATOR";
      const receiver = m.sender === "meter" ? "AGGREGATOR" : nodeName(a);
      lines.push("BO_ " + id + " " + messageName(m, a) + ": " + PAYLOAD_BYTES + " " + sender);
      const sigs = payloadSignals(m);
      for (let i = 0; i < sigs.length; i++) {
        const s = sigs[i];
        const doc = signalDoc(m.name, s.name);
        lines.push(signalLine(s, doc, receiver));
        comments.push("CM_ SG_ " + id + " " + s.name + ' "' + signalComment(doc) + '";');
        const named = doc.values;
        if (named !== undefined) {
          const keys = Object.keys(named);
          let v = "VAL_ " + id + " " + s.name;
          for (let j = 0; j < keys.length; j++) v += " " + keys[j] + ' "' + named[keys[j]] + '"';
          values.push(v + " ;");
        }
      }
      lines.push("");
      comments.push("CM_ BO_ " + id + ' "' + messageDoc(m.name) + (m.polled ? " (polled by remote frame)" : "") + '";');
    }
  }
  const ota = otaDbcParts(); // the OTA frames (issue 18): ISO 15765-2 control and broadcast chunks
  return lines.concat(ota.frames, comments, ota.comments, values, ota.values).join("\n") + "\n";
}
