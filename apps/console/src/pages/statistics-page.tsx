export function StatisticsPage() {
  return <div className="page-pad">StatisticsPage</div>;
}
