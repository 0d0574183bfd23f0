package pipeline

import "github.com/parallax-news/parallax/internal/cluster"

// ClusterWork returns the clusterer's look-up counts (see cluster.Work),
// since it was built: a rebuild from the store starts them again.
func (p *Pipeline) ClusterWork() cluster.Work {
	p.mu.Lock()
	cl := p.cl
	p.mu.Unlock()
	return cl.Work()
}
