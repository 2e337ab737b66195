export function WallsPage() {
  return <div className="page-pad">WallsPage</div>;
}
