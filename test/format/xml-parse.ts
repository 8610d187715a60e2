import { spawnSync } from 'node:child_process';

export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlElement[];
}

/**
 * Parses XML with a real, strict parser (Python's expat through ElementTree) and returns the tree:
 * a formatter's output that is not well-formed fails here exactly as it would in Jenkins or reviewdog.
 */
export function parseXml(xml: string): XmlElement {
  const script = `
import sys, json, xml.etree.ElementTree as ET
def conv(e):
    return {"tag": e.tag, "attrs": dict(e.attrib), "text": e.text or "", "children": [conv(c) for c in e]}
root = ET.fromstring(sys.stdin.buffer.read())
sys.stdout.write(json.dumps(conv(root)))
`;
  const r = spawnSync('python3', ['-c', script], { input: xml, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`not well-formed XML: ${r.stderr}`);
  return JSON.parse(r.stdout) as XmlElement;
}
