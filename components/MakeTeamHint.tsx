/**
 * How to get a first team, for the pages that have none to show: an admin makes one in Settings
 * (or with the CLI); anyone else needs an admin to add them to one.
 */
export function MakeTeamHint({ admin }: { admin: boolean }) {
  if (!admin) return <>Ask an admin to add you to a team.</>;
  return (
    <>
      <a href="/settings#add-team">Create a team in Settings</a> (or on the server: <code>npm run cli -- team create my-team</code>)
    </>
  );
}
