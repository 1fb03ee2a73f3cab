/**
 * The viewer behind a browser request. Until accounts exist (issue #5) the UI is the
 * operator's own console: bind the server to a trusted interface (HOSTNAME=127.0.0.1).
 */
import 'server-only';
import { OPERATOR, type Viewer } from '@/lib/data/viewer';

export async function currentViewer(): Promise<Viewer> {
  return OPERATOR;
}
