export default function NotFound() {
  return (
    <div className="card empty">
      <h2>Not found</h2>
      <p>
        There is nothing here, or nothing you may see. <a href="/">Back to the teams</a>
      </p>
    </div>
  );
}
