export function AdminPage() {
  return <div className="page-pad">AdminPage</div>;
}
