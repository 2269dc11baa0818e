package production

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/flowc-dev/flowc/flow"
)

// FraudScoring scores recent card transactions for fraud risk and flags the
// risky ones for review.
//
//flow:schedule cron="0 2 * * *" timezone="Europe/Amsterdam"
//flow:project name=fraud
//flow:trigger_on_finish flow=Training
//flow:exit_hook on_success=Announce on_error=Page
type FraudScoring struct {
	Region    string        `flow:"param" default:"eu-west-1" help:"the data region to score"`
	BatchSize int           `flow:"param" default:"500" help:"transactions read per batch"`
	MaxRows   int64         `flow:"param,name=limit" default:"10000000000" help:"stop after this many transactions"`
	Threshold float64       `flow:"param" default:"0.8" help:"risk from 0 to 1 above which a transaction is flagged"`
	SendFlags bool          `flow:"param" default:"true" help:"send the flags for review; false only scores"`
	Lookback  time.Duration `flow:"param" default:"24h" help:"how far back to read transactions"`
	Countries []string      `flow:"param,separator=," default:"NL,BE,DE" help:"merchant countries to score, comma-separated"`
	// Weights is a JSON parameter: --weights='{"amount":0.5,"foreign":0.5}'.
	Weights RiskWeights `flow:"param" default:"{\"amount\": 0.6, \"foreign\": 0.3, \"night\": 0.1}" help:"weight of each risk signal"`
	// Owner has a default so that the scheduled and triggered runs, which
	// nobody starts by hand, have one too.
	Owner string `flow:"param" default:"fraud-oncall" help:"who answers for this run's flags"`

	// Transactions are what Extract read.
	Transactions []Transaction
	// Flagged are the transactions Score found risky.
	Flagged []Flag
}

// RiskWeights weighs the signals Score combines into a risk.
type RiskWeights struct {
	Amount  float64 `json:"amount"`  // large amounts
	Foreign float64 `json:"foreign"` // card issued abroad
	Night   float64 `json:"night"`   // between midnight and 6 a.m.
}

// Transaction is one card payment.
type Transaction struct {
	ID      int64
	Amount  float64 // euros
	Country string  // the merchant's country
	Foreign bool    // the card was issued in another country
	Hour    int     // local hour of the day, 0 to 23
}

// Flag is a transaction sent for review, with its risk.
type Flag struct {
	ID   int64
	Risk float64
}

// Start checks the parameters.
func (f *FraudScoring) Start(c *flow.Context) (flow.Next, error) {
	if f.Threshold < 0 || f.Threshold > 1 {
		return nil, fmt.Errorf("threshold must be between 0 and 1, got %g", f.Threshold)
	}
	if f.BatchSize <= 0 {
		return nil, fmt.Errorf("batch-size must be positive, got %d", f.BatchSize)
	}
	c.Logger().Info("scoring", "region", f.Region, "since", f.Lookback, "countries", f.Countries, "owner", f.Owner,
		"project", c.ProjectName(), "branch", c.BranchName(), "production", c.IsProduction())
	if t := c.Trigger(); t != nil { // deployed, and started by Training's end
		c.Logger().Info("triggered", "by", t.Name, "run", t.Pathspec)
	}
	return flow.Goto(f.Extract), nil
}

// Extract reads the transactions of the last Lookback. The secrets
// directive puts the database credentials in the environment and the
// environment directive adds LOG_LEVEL and REGION. This example generates
// the transactions instead of querying a database, from a seed that is the
// same for every attempt of a run.
//
//flow:secrets sources=[db-credentials]
//flow:environment vars={LOG_LEVEL=debug,REGION="eu-west-1"}
//flow:retry times=2
func (f *FraudScoring) Extract(c *flow.Context) flow.Next {
	c.Logger().Debug("connecting", "region", os.Getenv("REGION"), "log_level", os.Getenv("LOG_LEVEL"))
	seed := fnv.New64a()
	seed.Write([]byte(c.RunID()))
	r := rand.New(rand.NewPCG(seed.Sum64(), 0))
	for id := int64(0); id < min(f.MaxRows, int64(f.BatchSize)); id++ {
		t := Transaction{
			ID:      id,
			Amount:  r.ExpFloat64() * 80,
			Country: []string{"NL", "BE", "DE", "FR"}[r.IntN(4)],
			Foreign: r.IntN(10) == 0,
			Hour:    r.IntN(24),
		}
		if slices.Contains(f.Countries, t.Country) {
			f.Transactions = append(f.Transactions, t)
		}
	}
	return flow.Goto(f.Score)
}

// Score computes each transaction's risk and flags those above Threshold.
//
//flow:kubernetes cpu=2 memory=8192 gpu=1 service_account=trainer
func (f *FraudScoring) Score(c *flow.Context) flow.Next {
	for _, t := range f.Transactions {
		if risk := f.Weights.risk(t); risk > f.Threshold {
			f.Flagged = append(f.Flagged, Flag{ID: t.ID, Risk: risk})
		}
	}
	return flow.Goto(f.Report)
}

// Report would send the flags for review when SendFlags is set; here it
// logs them. The card directive makes an HTML report of the task's
// artifacts, to which Report adds a summary, the flags and a chart of the
// risks.
//
//flow:card type=default
func (f *FraudScoring) Report(c *flow.Context) flow.Next {
	c.Logger().Info("flagged", "transactions", len(f.Transactions), "flagged", len(f.Flagged),
		"sent", f.SendFlags, "owner", f.Owner)
	card := c.Card().Markdown(fmt.Sprintf("## Fraud review\n\n**%d** of %d transactions flagged above a risk of %.2f.",
		len(f.Flagged), len(f.Transactions), f.Threshold))
	reviewed := card.Progress("flags reviewed", float64(len(f.Flagged)))
	buckets := make([]float64, 5)
	for i, fl := range f.Flagged {
		buckets[min(int(fl.Risk*5), 4)]++
		reviewed.Update(float64(i + 1))
	}
	card.Table(f.Flagged).
		BarChart("flags by risk", []string{"0-0.2", "0.2-0.4", "0.4-0.6", "0.6-0.8", "0.8-1"}, buckets)
	return flow.Goto(f.End)
}

// End finishes the run.
func (f *FraudScoring) End(c *flow.Context) {}

// Announce is the exit hook of a run that succeeded: it runs once, after
// End, in a process of its own; what it prints is the log of
// _exit_hook/Announce (flowc logs FraudScoring/RUN/_exit_hook).
func Announce(ctx context.Context, r flow.RunInfo) error {
	fmt.Printf("fraud scoring run %s succeeded; flags are ready for review\n", r.Pathspec)
	return nil
}

// Page is the exit hook of a run that failed. A real one would call the
// on-call pager; its failure would not change the run's result.
func Page(ctx context.Context, r flow.RunInfo) error {
	fmt.Fprintf(os.Stderr, "fraud scoring run %s failed at %s: %s\n", r.Pathspec, r.FailedTask, r.Error)
	return nil
}

// risk combines t's signals into a risk from 0 to 1 when the weights add up
// to 1.
func (w RiskWeights) risk(t Transaction) float64 {
	r := w.Amount * min(t.Amount/1000, 1)
	if t.Foreign {
		r += w.Foreign
	}
	if t.Hour < 6 {
		r += w.Night
	}
	return r
}
