import { signOutAction } from '@/app/login/actions';
import type { UserViewer } from '@/lib/data/viewer';

/** The header's right side: who is signed in, Settings for admins, and signing out. */
export function SiteUser({ viewer }: { viewer: UserViewer }) {
  return (
    <div className="site-user">
      <span className="muted" data-testid="signed-in-as" title={viewer.role === 'admin' ? 'Admin' : 'Member'}>
        {viewer.email}
      </span>
      {viewer.role === 'admin' && <a href="/settings">Settings</a>}
      <form action={signOutAction}>
        <button type="submit" className="secondary">
          Sign out
        </button>
      </form>
    </div>
  );
}
