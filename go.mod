module github.com/fuelgate/fuelgate

go 1.26.8
