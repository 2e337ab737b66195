export function AlertsPage() {
  return <div className="page-pad">AlertsPage</div>;
}
