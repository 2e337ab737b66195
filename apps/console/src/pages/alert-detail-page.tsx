export function AlertDetailPage() {
  return <div className="page-pad">AlertDetailPage</div>;
}
