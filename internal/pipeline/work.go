package pipeline

import "github.com/parallax-news/parallax/internal/cluster"

// ClusterWork returns the clusterer's look-up counts (see cluster.Work),
// since it was built: a rebuild from the store starts them again. They are
// zero before it is built.
func (p *Pipeline) ClusterWork() cluster.Work {
	p.mu.Lock()
	cl := p.cl
	p.mu.Unlock()
	if cl == nil {
		return cluster.Work{}
	}
	return cl.Work()
}
