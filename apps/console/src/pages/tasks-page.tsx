export function TasksPage() {
  return <div className="page-pad">TasksPage</div>;
}
